package dev.tributary.operators.telemetry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds of {@link AlertRules}. Battery and temperature alerts fire once per crossing and are re-armed only
 * after the value is back past the threshold by the hysteresis, so a value hovering at the threshold does not
 * alert on every reading.
 *
 * @param lowBatteryPct          LOW_BATTERY when the battery drops below this
 * @param batteryHysteresisPct   re-armed when the battery is back at or above {@code lowBatteryPct} + this
 * @param maxTemperatureC        OVER_TEMPERATURE when the temperature rises above this
 * @param temperatureHysteresisC re-armed when the temperature is back at or below {@code maxTemperatureC} - this
 * @param failureRepeat          FAILURE_PATTERN when this many consecutive readings carry the same error code
 * @param silentAfter            SILENT when a device sends nothing for this long (processing time)
 * @param stateTtl               per-device alert state expires this long after the device's last reading; must
 *                               exceed {@code silentAfter}
 */
public record AlertThresholds(
        double lowBatteryPct,
        double batteryHysteresisPct,
        double maxTemperatureC,
        double temperatureHysteresisC,
        int failureRepeat,
        Duration silentAfter,
        Duration stateTtl) implements Serializable {

    public AlertThresholds {
        Objects.requireNonNull(silentAfter, "silentAfter");
        Objects.requireNonNull(stateTtl, "stateTtl");
        if (batteryHysteresisPct < 0 || temperatureHysteresisC < 0) {
            throw new IllegalArgumentException("hysteresis must not be negative");
        }
        if (failureRepeat < 1) {
            throw new IllegalArgumentException("failureRepeat must be at least 1, was " + failureRepeat);
        }
        if (silentAfter.isNegative() || silentAfter.isZero()) {
            throw new IllegalArgumentException("silentAfter must be positive, was " + silentAfter);
        }
        // The SILENT check needs the device's state when its timer fires.
        if (stateTtl.compareTo(silentAfter) <= 0) {
            throw new IllegalArgumentException(
                    "stateTtl (" + stateTtl + ") must exceed silentAfter (" + silentAfter + ")");
        }
    }

    /** Battery below 15 % (re-armed at 20 %), temperature above 60 °C (re-armed at 55 °C), 3 equal error codes, 5 minutes silent, state kept 1 day. */
    public static AlertThresholds defaults() {
        return new AlertThresholds(15.0, 5.0, 60.0, 5.0, 3, Duration.ofMinutes(5), Duration.ofDays(1));
    }

    public AlertThresholds withSilentAfter(Duration value) {
        return new AlertThresholds(lowBatteryPct, batteryHysteresisPct, maxTemperatureC, temperatureHysteresisC,
                failureRepeat, value, stateTtl);
    }

    public AlertThresholds withStateTtl(Duration value) {
        return new AlertThresholds(lowBatteryPct, batteryHysteresisPct, maxTemperatureC, temperatureHysteresisC,
                failureRepeat, silentAfter, value);
    }

    public AlertThresholds withFailureRepeat(int value) {
        return new AlertThresholds(lowBatteryPct, batteryHysteresisPct, maxTemperatureC, temperatureHysteresisC,
                value, silentAfter, stateTtl);
    }
}
