package dev.tributary.ingest;

import dev.tributary.ingest.lake.LakeDoor;
import dev.tributary.ingest.lake.LakeDoorSettings;

import dev.tributary.ingest.RequestReader.MediaKind;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.codec.ValidatorRegistry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP ingestion for devices: {@code POST /v1/events/{type}} with one record or a batch, validated with the input
 * topic's contract and produced to it keyed by id. Answers:
 * <ul>
 *   <li>202 with a result per record (its partition and offset once Kafka acknowledged it, or why not) when at
 *       least one record was taken;</li>
 *   <li>400 when the body cannot be read or no record is valid, 401 without a valid key, 404 for an unknown type,
 *       413 past the body or batch size, 415 for another content type (each with a code and a reason);</li>
 *   <li>429 when Kafka has too many of our records unanswered, 503 when it takes none (both with
 *       {@code Retry-After}).</li>
 * </ul>
 * A 202 is sent only after Kafka acknowledged the records it lists as accepted ({@code acks=all}): the device may
 * forget them. Records listed as failed were not taken and are safe to send again (the telemetry flow drops a
 * reading it has seen, by device and seq).
 */
public final class IngestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION_JSON = "application/json";
    private static final long SWALLOW_BYTES = 2 * 1024 * 1024;

    private final IngestSettings settings;
    private final Map<String, EventRoute<?>> routes;
    private final Map<String, ThreadLocal<RequestReader<?>>> readers;
    private final KafkaPublisher publisher;
    private final IngestMetrics metrics;
    private final LakeDoor lake;
    private final Javalin app;

    private IngestServer(IngestSettings settings, Optional<LakeDoorSettings> lakeSettings) throws IOException {
        this.settings = settings;
        this.routes = EventRoute.telemetry(settings.topics());
        ValidatorRegistry validators = ValidatorRegistry.defaults();
        Map<String, ThreadLocal<RequestReader<?>>> byType = new java.util.HashMap<>();
        routes.forEach((name, route) -> byType.put(name, ThreadLocal.withInitial(() -> new RequestReader<>(route,
                settings.maxBodyBytes(), settings.maxRecords(), CodecLimits.DEFAULTS, validators))));
        this.readers = Map.copyOf(byType);
        this.publisher = new KafkaPublisher(settings.kafkaClient(), settings.maxInFlight(), java.time.Duration.ZERO,
                settings.maxBlock(), settings.deliveryTimeout());
        this.metrics = new IngestMetrics(publisher::inFlight);
        this.lake = lakeSettings.isPresent() ? new LakeDoor(lakeSettings.get(), metrics::response, metrics::lakeUpload) : null;
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.startup.showJavalinBanner = false;
            config.routes.before("/v1/*", this::authenticate);
            config.routes.post("/v1/events/{type}", this::ingest);
            config.routes.get("/v1/types", this::types);
            if (lake != null) { // the lake's door (TRIBUTARY_LAKE_OWNERS set): uploads into the landing area, downloads
                config.routes.post("/v1/lake/uploads", lake::upload);
                config.routes.get("/v1/lake/uploads/{uploadId}", lake::uploadInfo);
                config.routes.get("/v1/lake/uploads/{uploadId}/content", lake::uploadContent);
                config.routes.get("/v1/lake/objects/<key>", lake::object);
            }
            config.routes.get("/health", ctx -> ctx.contentType(APPLICATION_JSON).result("{\"status\":\"ok\"}"));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.prometheusText()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType(APPLICATION_JSON).result(openApi()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
                answer(ctx, 500, error("INTERNAL", "the service failed on this request: " + e.getClass().getSimpleName()));
            });
        });
    }

    /** The OpenAPI description of every endpoint (a resource of this module; {@code IngestOpenApiTest} keeps it true). */
    static byte[] openApi() throws IOException {
        try (InputStream in = IngestServer.class.getResourceAsStream("/ingest/openapi.json")) {
            if (in == null) {
                throw new IOException("ingest/openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    /** Starts the service on the settings' host and port (0: any free port, see {@link #port()}). */
    public static IngestServer start(IngestSettings settings) throws IOException {
        return start(settings, Optional.empty());
    }

    /** Starts the service with the lake's door, when its settings are given. */
    public static IngestServer start(IngestSettings settings, Optional<LakeDoorSettings> lake) throws IOException {
        IngestServer server = new IngestServer(settings, lake);
        lake.ifPresent(l -> LOG.info("ingest: the lake door is open at /v1/lake/ ({})", l));
        server.app.start(settings.host(), settings.port());
        LOG.info("ingest: listening on http://{}:{} for {} ({}), Kafka at {}", settings.host(), server.port(),
                server.routes.keySet(), settings.apiKeys(), settings.bootstrap());
        return server;
    }

    public int port() {
        return app.port();
    }

    private void authenticate(Context ctx) {
        if (!settings.apiKeys().accepts(ApiKeys.presented(ctx.header("Authorization"), ctx.header("X-Api-Key")))) {
            ctx.header("WWW-Authenticate", "Bearer");
            answer(ctx, 401, error("UNAUTHORIZED", "a valid API key is required: Authorization: Bearer <key> or X-Api-Key: <key>"));
            ctx.skipRemainingHandlers();
        }
    }

    private void types(Context ctx) throws IOException {
        Map<String, String> topics = new java.util.TreeMap<>();
        routes.forEach((name, route) -> topics.put(name, route.topic()));
        answer(ctx, 200, topics);
    }

    private void ingest(Context ctx) throws Exception {
        String type = ctx.pathParam("type");
        EventRoute<?> route = routes.get(type);
        if (route == null) {
            answer(ctx, 404, error("UNKNOWN_TYPE", "no event type '" + shown(type) + "'; known: " + new java.util.TreeSet<>(routes.keySet())));
            return;
        }
        Optional<MediaKind> kind = MediaKind.of(ctx.contentType());
        if (kind.isEmpty()) {
            answer(ctx, 415, error("UNSUPPORTED_MEDIA_TYPE", "Content-Type '" + shown(String.valueOf(ctx.contentType()))
                    + "' is not accepted; send " + MediaKind.ACCEPTED));
            return;
        }
        byte[] body;
        try {
            body = readBounded(ctx);
        } catch (RequestRejected e) {
            answer(ctx, e.status(), error(e.code(), e.getMessage()));
            return;
        }
        List<ParsedRecord> parsed;
        try {
            parsed = readers.get(type).get().read(kind.get(), body);
        } catch (RequestRejected e) {
            answer(ctx, e.status(), error(e.code(), e.getMessage()));
            return;
        }
        List<ParsedRecord.Valid> valid = new ArrayList<>();
        for (ParsedRecord record : parsed) {
            if (record instanceof ParsedRecord.Valid v) {
                valid.add(v);
            } else {
                metrics.rejected(type, ((ParsedRecord.Invalid) record).code());
            }
        }
        List<Result> results = new ArrayList<>(parsed.size());
        int accepted = 0;
        int failed = 0;
        Exception kafkaError = null;
        if (!valid.isEmpty()) {
            Optional<KafkaPublisher.Acks> sent = publisher.trySend(route.topic(), valid);
            if (sent.isEmpty()) {
                ctx.header("Retry-After", "1");
                answer(ctx, 429, error("BACKPRESSURE", "Kafka has " + publisher.inFlight() + " records of this service "
                        + "unacknowledged (the limit is " + settings.maxInFlight() + "); nothing of this request was "
                        + "produced, send it again after a second"));
                return;
            }
            KafkaPublisher.Acks acks = sent.get();
            acks.await(settings.deliveryTimeout().plusSeconds(5));
            for (int i = 0; i < valid.size(); i++) {
                ParsedRecord.Valid record = valid.get(i);
                RecordMetadata m = acks.metadata(i);
                if (m != null) {
                    results.add(Result.accepted(record.index(), record.key(), m.partition(), m.offset()));
                    accepted++;
                } else {
                    Exception cause = acks.error(i) != null ? acks.error(i)
                            : new TimeoutException("no answer from Kafka within " + settings.deliveryTimeout().plusSeconds(5));
                    kafkaError = cause;
                    results.add(Result.failed(record.index(), record.key(), cause));
                    failed++;
                }
            }
        }
        for (ParsedRecord record : parsed) {
            if (record instanceof ParsedRecord.Invalid bad) {
                results.add(Result.rejected(bad.index(), bad.code(), bad.reason()));
            }
        }
        results.sort(java.util.Comparator.comparingInt(Result::index));
        metrics.accepted(type, accepted);
        if (failed > 0) {
            metrics.failed(type, failed);
            LOG.warn("ingest: {} of {} valid {} records were not taken by Kafka ({}); the client was told to retry them",
                    failed, valid.size(), type, kafkaError.toString());
        }
        int rejected = parsed.size() - valid.size();
        int status;
        if (accepted > 0) {
            status = 202;
        } else if (failed > 0) {
            status = 503;
            ctx.header("Retry-After", "5");
        } else {
            status = 400;
        }
        answer(ctx, status, new Answer(accepted, rejected, failed, results));
    }

    /**
     * The body, refused with 413 past the limit whether or not the client declared its length. An oversized body
     * is read and dropped up to {@link #SWALLOW_BYTES} more before the answer, as Tomcat does (maxSwallowSize): a
     * client still sending when the connection closed would see a broken pipe instead of the 413 and its reason.
     * Past that, the connection is closed on the rest.
     */
    private byte[] readBounded(Context ctx) throws IOException, RequestRejected {
        long declared = ctx.contentLength();
        try (InputStream in = ctx.bodyInputStream()) {
            if (declared > settings.maxBodyBytes()) {
                if (declared <= (long) settings.maxBodyBytes() + SWALLOW_BYTES) {
                    Drain.atMost(in, declared);
                }
                throw tooLarge(declared);
            }
            byte[] body = in.readNBytes(settings.maxBodyBytes() + 1);
            if (body.length > settings.maxBodyBytes()) {
                Drain.atMost(in, SWALLOW_BYTES);
                throw tooLarge(-1);
            }
            return body;
        }
    }


    private RequestRejected tooLarge(long declared) {
        return new RequestRejected(413, RejectReason.OVERSIZED, "the body" + (declared >= 0 ? " of " + declared + " bytes" : "")
                + " is larger than the limit of " + settings.maxBodyBytes() + " bytes; split the batch");
    }

    private void answer(Context ctx, int status, Object body) {
        metrics.response(status);
        try {
            ctx.status(status).contentType(APPLICATION_JSON).result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> error(String code, String reason) {
        return Map.of("code", code, "reason", reason);
    }

    /** Request text echoed in an answer, bounded. */
    private static String shown(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    @Override
    public void close() {
        app.stop();
        publisher.close();
        if (lake != null) {
            lake.close();
        }
    }

    /** The answer to a request that was read: counts, and one result per record in request order. */
    public record Answer(int accepted, int rejected, int failed, List<Result> results) {}

    /** What became of one record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int index, String status, String key, Integer partition, Long offset, String code,
                         String reason, Boolean retry) {

        static Result accepted(int index, String key, int partition, long offset) {
            return new Result(index, "accepted", key, partition, offset, null, null, null);
        }

        static Result rejected(int index, String code, String reason) {
            return new Result(index, "rejected", null, null, null, code, reason, false);
        }

        static Result failed(int index, String key, Exception cause) {
            boolean retriable = cause instanceof RetriableException;
            String code = cause instanceof TimeoutException ? "KAFKA_TIMEOUT" : "KAFKA_ERROR";
            return new Result(index, "failed", key, null, null, code, "Kafka did not take the record: "
                    + cause.getClass().getSimpleName() + ": " + shown(String.valueOf(cause.getMessage())), retriable);
        }
    }
}
