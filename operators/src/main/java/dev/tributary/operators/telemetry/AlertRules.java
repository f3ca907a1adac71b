package dev.tributary.operators.telemetry;

import dev.tributary.events.Alert;
import dev.tributary.events.AlertRuleState;
import dev.tributary.events.HoverboardReading;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Alerts on a device's readings, keyed by {@code deviceId}, over the ordered output of {@link SequenceOrderer}
 * (edge detection and "consecutive" need seq order).
 *
 * <ul>
 *   <li>{@code LOW_BATTERY} / {@code OVER_TEMPERATURE}: edge-triggered, once per crossing of the threshold,
 *       re-armed only past the hysteresis (see {@link AlertThresholds}).</li>
 *   <li>{@code FAILURE_PATTERN}: the same error code in {@link AlertThresholds#failureRepeat()} consecutive
 *       readings; once per run of that code.</li>
 *   <li>{@code SILENT}: no reading for {@link AlertThresholds#silentAfter()}, once per silence. Processing time,
 *       because silence is about the wall clock: an event-time timer would wait for a watermark that a silent
 *       fleet does not advance. One timer per device is kept and moved lazily (when it fires early it is
 *       re-registered at the last reading's time + {@code silentAfter}), instead of deleting and registering a
 *       timer on every reading.</li>
 * </ul>
 *
 * <p>Alert ids are deterministic, {@code deviceId/kind/seq/eventTimeMillis} (the reading that triggered it; for
 * {@code SILENT} the last reading before the silence), so a replay rewrites the same alert instead of adding one,
 * and a device that rebooted and counts from 0 again gets alerts of its own.
 *
 * <p>The per-device state expires {@link AlertThresholds#stateTtl()} after the device's last reading. A device
 * back after that starts afresh: a battery still low alerts again.
 */
public class AlertRules extends KeyedProcessFunction<String, HoverboardReading, Alert> {

    private static final long serialVersionUID = 1L;

    public static final String LOW_BATTERY = "LOW_BATTERY";
    public static final String OVER_TEMPERATURE = "OVER_TEMPERATURE";
    public static final String FAILURE_PATTERN = "FAILURE_PATTERN";
    public static final String SILENT = "SILENT";
    public static final String SEQUENCE_GAP = "SEQUENCE_GAP";

    public static final String INFO = "INFO";
    public static final String WARNING = "WARNING";
    public static final String CRITICAL = "CRITICAL";

    static final TypeInformation<AlertRuleState> STATE_TYPE = new AvroTypeInfo<>(AlertRuleState.class);

    private final AlertThresholds thresholds;

    private transient ValueState<AlertRuleState> state;
    private transient Counter alertsRaised;

    public AlertRules(AlertThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * The id of an alert, {@code deviceId/kind/seq/eventTimeMillis}: the same device, kind and reading always give
     * the same id. The reading's event time is part of it because seq alone does not name a reading: a device that
     * reboots counts from 0 again, and its new alerts must not take the ids (and so the places) of the old ones.
     */
    public static String alertId(String deviceId, String kind, long seq, Instant readingTime) {
        return deviceId + "/" + kind + "/" + seq + "/" + (readingTime == null ? 0 : readingTime.toEpochMilli());
    }

    List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(stateDescriptor());
    }

    private ValueStateDescriptor<AlertRuleState> stateDescriptor() {
        ValueStateDescriptor<AlertRuleState> descriptor = new ValueStateDescriptor<>("alert-rules", STATE_TYPE);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(thresholds.stateTtl())
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor());
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        alertsRaised = metrics.counter("alertsRaised");
    }

    @Override
    public void processElement(HoverboardReading reading, Context ctx, Collector<Alert> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        AlertRuleState s = state.value();
        if (s == null) {
            s = AlertRuleState.newBuilder().build();
        }
        String device = reading.getDeviceId();
        long seq = reading.getSeq();

        double battery = reading.getBatteryPct();
        if (!s.getLowBattery() && battery < thresholds.lowBatteryPct()) {
            s.setLowBattery(true);
            emit(out, device, LOW_BATTERY, WARNING, seq, reading.getEventTime(), reading.getEventTime(),
                    String.format(Locale.ROOT, "battery at %.1f%%, below %.1f%%", battery, thresholds.lowBatteryPct()));
        } else if (s.getLowBattery() && battery >= thresholds.lowBatteryPct() + thresholds.batteryHysteresisPct()) {
            s.setLowBattery(false);
        }

        double temperature = reading.getTemperatureC();
        if (!s.getOverTemperature() && temperature > thresholds.maxTemperatureC()) {
            s.setOverTemperature(true);
            emit(out, device, OVER_TEMPERATURE, CRITICAL, seq, reading.getEventTime(), reading.getEventTime(),
                    String.format(Locale.ROOT, "temperature at %.1f °C, above %.1f °C",
                            temperature, thresholds.maxTemperatureC()));
        } else if (s.getOverTemperature()
                && temperature <= thresholds.maxTemperatureC() - thresholds.temperatureHysteresisC()) {
            s.setOverTemperature(false);
        }

        String errorCode = reading.getErrorCode();
        if (errorCode == null) {
            s.setErrorCode(null);
            s.setErrorRun(0);
        } else {
            s.setErrorRun(errorCode.equals(s.getErrorCode()) ? s.getErrorRun() + 1 : 1);
            s.setErrorCode(errorCode);
            if (s.getErrorRun() == thresholds.failureRepeat()) {
                emit(out, device, FAILURE_PATTERN, CRITICAL, seq, reading.getEventTime(), reading.getEventTime(),
                        "error " + errorCode + " in " + thresholds.failureRepeat() + " consecutive readings");
            }
        }

        s.setLastSeq(seq);
        s.setLastEventTime(reading.getEventTime());
        s.setLastSeenAt(now);
        if (s.getSilentTimer() == null) {
            long deadline = now + thresholds.silentAfter().toMillis();
            ctx.timerService().registerProcessingTimeTimer(deadline);
            s.setSilentTimer(deadline);
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        AlertRuleState s = state.value();
        // No state: it expired during a downtime longer than the TTL; nothing is known to alert about.
        if (s == null || s.getSilentTimer() == null || s.getSilentTimer() != timestamp) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        long deadline = s.getLastSeenAt() + thresholds.silentAfter().toMillis();
        if (deadline > now) {
            ctx.timerService().registerProcessingTimeTimer(deadline);
            s.setSilentTimer(deadline);
        } else {
            s.setSilentTimer(null);
            emit(out, ctx.getCurrentKey(), SILENT, WARNING, s.getLastSeq(), s.getLastEventTime(), Instant.ofEpochMilli(now),
                    "no reading for " + thresholds.silentAfter().toSeconds() + " s after seq " + s.getLastSeq());
        }
        state.update(s);
    }

    private void emit(Collector<Alert> out, String device, String kind, String severity, long seq,
                      Instant readingTime, Instant at, String message) {
        out.collect(Alert.newBuilder()
                .setAlertId(alertId(device, kind, seq, readingTime))
                .setDeviceId(device)
                .setKind(kind)
                .setSeverity(severity)
                .setMessage(message)
                .setEventTime(at)
                .setReadingSeq(seq)
                .build());
        alertsRaised.inc();
    }
}
