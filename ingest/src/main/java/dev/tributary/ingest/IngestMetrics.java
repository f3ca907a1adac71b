package dev.tributary.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * What an operator on call asks of the ingestion service, in Prometheus' text format at {@code GET /metrics}:
 * records accepted (produced and acknowledged), rejected (by reason code), failed (Kafka did not take them), and
 * requests by HTTP status; plus the records now awaiting Kafka. Hand-written because it is a handful of counters
 * and the service has no other use for a metrics library.
 */
final class IngestMetrics {

    private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> lakeUploads = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> lakeUploadBytes = new ConcurrentHashMap<>();
    private final IntSupplier inFlight;

    IngestMetrics(IntSupplier inFlight) {
        this.inFlight = inFlight;
    }

    void accepted(String type, int n) {
        add(accepted, "type=\"" + type + "\"", n);
    }

    void rejected(String type, String code) {
        add(rejected, "type=\"" + type + "\",reason=\"" + code + "\"", 1);
    }

    void failed(String type, int n) {
        add(failed, "type=\"" + type + "\"", n);
    }

    void response(int status) {
        add(responses, "status=\"" + status + "\"", 1);
    }

    /** A file the lake door landed, by its owner (refused uploads count in requests by status). */
    void lakeUpload(String owner, long bytes) {
        add(lakeUploads, "owner=\"" + owner + "\"", 1);
        lakeUploadBytes.computeIfAbsent("owner=\"" + owner + "\"", l -> new LongAdder()).add(bytes);
    }

    long acceptedTotal() {
        return accepted.values().stream().mapToLong(LongAdder::sum).sum();
    }

    String prometheusText() {
        StringBuilder out = new StringBuilder();
        counter(out, "tributary_ingest_records_accepted_total", "records produced to Kafka and acknowledged", accepted);
        counter(out, "tributary_ingest_records_rejected_total", "records refused for their content, by reason code", rejected);
        counter(out, "tributary_ingest_records_failed_total", "valid records Kafka did not take (the client should retry)", failed);
        counter(out, "tributary_ingest_requests_total", "requests answered, by HTTP status", responses);
        counter(out, "tributary_lake_uploads_total", "files the lake door landed, by owner", lakeUploads);
        counter(out, "tributary_lake_upload_bytes_total", "bytes the lake door landed, by owner", lakeUploadBytes);
        out.append("# HELP tributary_ingest_records_in_flight records sent to Kafka and not yet acknowledged\n")
                .append("# TYPE tributary_ingest_records_in_flight gauge\n")
                .append("tributary_ingest_records_in_flight ").append(inFlight.getAsInt()).append('\n');
        return out.toString();
    }

    private static void add(Map<String, LongAdder> counters, String labels, int n) {
        counters.computeIfAbsent(labels, l -> new LongAdder()).add(n);
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> counters) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        counters.forEach((labels, value) -> out.append(name).append('{').append(labels).append("} ").append(value.sum()).append('\n'));
    }
}
