/**
 * Tributary's Elasticsearch / OpenSearch sink: Sink V2 on {@code flink-connector-base}'s AsyncSinkBase,
 * speaking the plain {@code _bulk} REST API (NDJSON) over the JDK HTTP client, so one implementation serves
 * Elasticsearch 7/8/9 and OpenSearch 1/2/3.
 *
 * <pre>{@code
 * stream.sinkTo(SearchSink.<Observation>builder()
 *         .url(settings.searchUrl())
 *         .documentMapper(o -> SearchAction.index("observations", o.getSource() + ":" + o.getOccurrenceId(),
 *                 o.getVersion(), ObservationJson.bytes(o)))
 *         .indexTemplates("observations")
 *         .deadLetters(KafkaDeadLetterChannel.factory(kafkaProps, "pipeline.dead-letter"),
 *                 "observations", "observations-search-sink")
 *         .build())
 *     .uid("observations-search-sink").name("observations → search");
 * }</pre>
 *
 * <p>Delivery: at-least-once with deterministic ids and external versions ({@code external_gte}), which
 * makes replays idempotent. Per document: written, version conflict (stale; counted), retried with
 * backoff (429/5xx/rejected execution), or dead-lettered with the server's reason (mapping/parse errors).
 */
package dev.tributary.sinks.search;
