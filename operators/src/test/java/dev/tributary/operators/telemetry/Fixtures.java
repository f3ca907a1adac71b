package dev.tributary.operators.telemetry;

import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Test records and harness helpers of the telemetry operators. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    private Fixtures() {}

    /** Keyed state backends the harness tests run on: heap for development, RocksDB as on the cluster. */
    enum Backend {
        HEAP {
            @Override
            StateBackend create() {
                return new HashMapStateBackend();
            }
        },
        ROCKSDB {
            @Override
            StateBackend create() {
                return new EmbeddedRocksDBStateBackend();
            }
        };

        abstract StateBackend create();
    }

    static HoverboardReading reading(String deviceId, long seq) {
        return reading(deviceId, seq, 80.0, 30.0, null);
    }

    static HoverboardReading reading(String deviceId, long seq, double batteryPct, double temperatureC, String errorCode) {
        return HoverboardReading.newBuilder()
                .setDeviceId(deviceId)
                .setSeq(seq)
                .setEventTime(T0.plusSeconds(seq))
                .setBatteryPct(batteryPct)
                .setTemperatureC(temperatureC)
                .setSpeedKmh(12.5)
                .setErrorCode(errorCode)
                .build();
    }

    static Customer customer(String customerId, String name, String tier, long version) {
        return Customer.newBuilder()
                .setCustomerId(customerId)
                .setName(name)
                .setEmail(null)
                .setTier(tier)
                .setVersion(version)
                .setUpdatedAt(T0.plusSeconds(version))
                .build();
    }

    static Trip trip(String tripId, String hoverboardId, String customerId) {
        return Trip.newBuilder()
                .setTripId(tripId)
                .setHoverboardId(hoverboardId)
                .setCustomerId(customerId)
                .setStartedAt(T0)
                .setEndedAt(T0.plusSeconds(600))
                .setDistanceKm(3.2)
                .setVersion(1)
                .build();
    }

    /** Makes the harness fail like the cluster (pipeline.generic-types: false) if any state or output needs Kryo. */
    static void forbidGenericTypes(AbstractStreamOperatorTestHarness<?> harness) {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    }

    /**
     * Sets a harness up the way every telemetry test runs it — no Kryo, the given state backend, processing time
     * and state-TTL time at {@code startTime}, optionally restored from a snapshot — and opens it.
     */
    static <H extends AbstractStreamOperatorTestHarness<?>> H open(
            H harness, Backend backend, OperatorSubtaskState restoreFrom, long startTime) throws Exception {
        forbidGenericTypes(harness);
        harness.setStateBackend(backend.create());
        harness.setProcessingTime(startTime);
        harness.setStateTtlProcessingTime(startTime);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    static <T> List<T> side(AbstractStreamOperatorTestHarness<?> harness, OutputTag<T> tag) {
        Collection<StreamRecord<T>> records = harness.getSideOutput(tag);
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }

    static List<Long> seqs(List<HoverboardReading> readings) {
        return readings.stream().map(HoverboardReading::getSeq).toList();
    }
}
