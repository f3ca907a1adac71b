package dev.tributary.operators.codec;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Counters of a decode operator, registered on the operator's metric group. Per-reason counters are created
 * when a reason first occurs, so the UI only lists reasons that happened.
 */
public final class DecodeMetrics {

    static final String RECORDS_IN = "decodeRecordsIn";
    static final String BYTES_IN = "decodeBytesIn";
    static final String DECODED_JSON = "decodedJson";
    static final String DECODED_AVRO = "decodedAvro";
    static final String REJECTED = "rejected";
    static final String REJECTED_PREFIX = "rejected_";

    private final MetricGroup group;
    private final Counter recordsIn;
    private final Counter bytesIn;
    private final Counter decodedJson;
    private final Counter decodedAvro;
    private final Counter rejected;
    private final Map<String, Counter> rejectedByReason = new HashMap<>();

    public DecodeMetrics(MetricGroup group) {
        this.group = group;
        this.recordsIn = group.counter(RECORDS_IN);
        this.bytesIn = group.counter(BYTES_IN);
        this.decodedJson = group.counter(DECODED_JSON);
        this.decodedAvro = group.counter(DECODED_AVRO);
        this.rejected = group.counter(REJECTED);
    }

    public void received(int bytes) {
        recordsIn.inc();
        bytesIn.inc(bytes);
    }

    public void decoded(PayloadFormat format) {
        (format == PayloadFormat.AVRO ? decodedAvro : decodedJson).inc();
    }

    public void rejected(String reasonCode) {
        rejected.inc();
        rejectedByReason.computeIfAbsent(reasonCode, code -> group.counter(REJECTED_PREFIX + code)).inc();
    }
}
