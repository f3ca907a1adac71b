package dev.tributary.pipeline.config;

import dev.tributary.operators.telemetry.AlertThresholds;
import dev.tributary.operators.telemetry.OrderingConfig;
import dev.tributary.operators.telemetry.TripEnrichmentConfig;

import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the job, typed and validated in one place before the graph is built.
 *
 * <p>Values come from a properties file and {@code --key value} arguments (see {@link Arguments}). A value may
 * reference the environment as {@code ${env:NAME}}, which is how secrets reach the job without being written
 * in a file: {@code kafka.sasl.password=${env:KAFKA_SASL_PASSWORD}}. Keys under {@code kafka.client.} pass
 * through to the Kafka clients (e.g. a client keystore for mutual TLS).
 */
public final class JobSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|jaas|token|api-?key|credential).*");

    public static final Setting<String> JOB_NAME =
            Setting.of("job.name", Setting.ValueParser.text(), "Tributary", "name of the job in the Flink web UI");
    public static final Setting<Set<Flow>> FLOWS = Setting.of("flows", Parsers.enumSet(Flow.class), "integration",
            "flows to run, comma-separated: integration, telemetry, assets, observations, lake, edge");

    public static final Setting<List<String>> KAFKA_BOOTSTRAP = Setting.of("kafka.bootstrap-servers",
            Parsers.hostPorts(), "127.0.0.1:9092", "Kafka bootstrap servers, host:port[,host:port]");
    public static final Setting<String> KAFKA_GROUP_ID = Setting.of("kafka.group-id", Setting.ValueParser.text(),
            "tributary", "consumer group id (offsets live in checkpoints; the group only shows progress/lag)");
    public static final Setting<String> KAFKA_TX_PREFIX = Setting.of("kafka.transactional-id-prefix",
            Setting.ValueParser.text(), "tributary",
            "prefix of the exactly-once sinks' transactional ids; must be unique per job on a Kafka cluster");
    public static final Setting<Duration> KAFKA_TX_TIMEOUT = Setting.of("kafka.transaction-timeout",
            Parsers.duration(), "15min",
            "Kafka transaction timeout; must exceed the longest checkpoint plus restart time, and not exceed the broker's transaction.max.timeout.ms");
    public static final Setting<StartingOffsets> KAFKA_STARTING_OFFSETS = Setting.of("kafka.starting-offsets",
            Parsers.oneOf(StartingOffsets.class), "committed-or-earliest",
            "where sources start without a checkpoint: committed-or-earliest, earliest, latest");
    public static final Setting<Boolean> KAFKA_CHECK_REACHABLE = Setting.of("kafka.check-reachable", Parsers.bool(),
            "true", "check before the job starts that a bootstrap server accepts connections and this job's"
                    + " Kafka security settings (TLS handshake, SASL login)");
    // Kafka security: applied to every Kafka client of the job (sources, sinks, dead letters, pre-flight check)
    public static final Setting<KafkaSecurityProtocol> KAFKA_SECURITY_PROTOCOL = Setting.of("kafka.security.protocol",
            Parsers.oneOf(KafkaSecurityProtocol.class), "PLAINTEXT",
            "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; PLAINTEXT leaves security to kafka.client.* settings");
    public static final Setting<SaslMechanism> KAFKA_SASL_MECHANISM = Setting.of("kafka.sasl.mechanism",
            Parsers.oneOf(SaslMechanism.class), "SCRAM-SHA-512", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    public static final Setting<String> KAFKA_SASL_USERNAME = Setting.of("kafka.sasl.username",
            Setting.ValueParser.text(), "", "SASL user (with kafka.security.protocol=SASL_SSL or SASL_PLAINTEXT)");
    public static final Setting<String> KAFKA_SASL_PASSWORD = Setting.secret("kafka.sasl.password",
            "SASL password; give it as ${env:NAME}, never in a file");
    public static final Setting<String> KAFKA_SSL_TRUSTSTORE_LOCATION = Setting.of("kafka.ssl.truststore.location",
            Setting.ValueParser.text(), "", "truststore (PKCS12 or JKS) with the CA of the brokers' certificates, a path"
                    + " on the client and every TaskManager; empty trusts the JVM's default CAs");
    public static final Setting<String> KAFKA_SSL_TRUSTSTORE_PASSWORD = Setting.secret("kafka.ssl.truststore.password",
            "password of the truststore as ${env:NAME}; empty for a store without one");

    public static final Setting<String> TOPIC_DEAD_LETTER = topic("dead-letter", "pipeline.dead-letter",
            "where every rejected record goes, with the reason and its source offset");
    public static final Setting<String> TOPIC_VALIDATED = topic("validated", "pipeline.validated",
            "integration flow output: every valid input record as Avro single-object encoding, keyed by id");
    public static final Setting<List<String>> TOPICS_ASSETS_ANNOUNCED = inputTopics("assets-announced",
            "assets.announced", "HQ asset announcements (AssetAnnounced)");
    public static final Setting<List<String>> TOPICS_ASSETS_REQUESTED = inputTopics("assets-requested",
            "assets.requested", "edge asset requests (AssetRequest)");
    public static final Setting<List<String>> TOPICS_HOVERBOARD = inputTopics("telemetry-hoverboard",
            "telemetry.hoverboard", "device readings (HoverboardReading)");
    public static final Setting<List<String>> TOPICS_CUSTOMER = inputTopics("telemetry-customer",
            "telemetry.customer", "customer profiles (Customer)");
    public static final Setting<List<String>> TOPICS_TRIP = inputTopics("telemetry-trip", "telemetry.trip",
            "trips (Trip)");
    /**
     * Change data capture of an operational database's customers (Debezium's JSON change events). Off by default:
     * a deployment without CDC has no such topic, and a Kafka source over a missing topic fails its job at start.
     */
    public static final Setting<List<String>> TOPICS_CUSTOMER_CHANGES = Setting.of("topics.customer-changes",
            Parsers.optionalTopicNames(), "", "telemetry flow: topics of Debezium change events of a customers table"
                    + " (bin/stack's connector writes shop.public.customers); inserts and updates upsert the warehouse's"
                    + " customers row, deletes remove it (docs/cdc.md); comma-separated; empty: not read");
    public static final Setting<List<String>> TOPICS_OBSERVATIONS = inputTopics("observations",
            "observations.gbif,observations.obis,observations.idigbio",
            "occurrence streams (Observation), one topic per source");

    public static final Setting<Long> DECODE_MAX_PAYLOAD = Setting.of("decode.max-payload", Parsers.bytes(), "1mb",
            "largest accepted Kafka message; larger ones are dead-lettered as OVERSIZED");
    public static final Setting<Duration> DECODE_MAX_CLOCK_AHEAD = Setting.of("decode.max-clock-ahead",
            Parsers.duration(), "5min", "clock guard: a record whose event time is further ahead of the job's clock"
                    + " is dead-lettered as EVENT_TIME_AHEAD (its producer's clock is wrong), so it can neither move"
                    + " the watermark nor make other producers' records late; the watermark never passes the job's"
                    + " clock either");

    public static final Setting<String> WAREHOUSE_JDBC_URL = Setting.of("warehouse.jdbc-url", Parsers.jdbcUrl(),
            "jdbc:postgresql://127.0.0.1:5432/tributary",
            "warehouse JDBC URL: jdbc:redshift://... for Amazon Redshift, jdbc:postgresql://... for PostgreSQL 15+");
    public static final Setting<String> WAREHOUSE_USER = Setting.of("warehouse.user", Setting.ValueParser.text(),
            "tributary", "warehouse user");
    public static final Setting<String> WAREHOUSE_PASSWORD = Setting.secret("warehouse.password",
            "warehouse password; give it as ${env:NAME}, never in a file");
    public static final Setting<Integer> WAREHOUSE_BATCH_SIZE = Setting.of("warehouse.batch-size",
            Parsers.positiveInt(), "5000", "rows per warehouse batch (per table, after duplicate keys are merged)");
    public static final Setting<Duration> WAREHOUSE_FLUSH_INTERVAL = Setting.of("warehouse.flush-interval",
            Parsers.duration(), "2s", "longest a row waits in the warehouse sink's buffer");
    public static final Setting<Duration> WAREHOUSE_MAX_RETRY = Setting.of("warehouse.max-retry-duration",
            Parsers.duration(), "2min", "how long the warehouse sink retries an unreachable database before the job restarts");

    public static final Setting<java.net.URI> SEARCH_URL = Setting.of("search.url", Parsers.httpUrl(),
            "http://127.0.0.1:9200", "Elasticsearch 7/8/9 or OpenSearch 2/3 URL (no credentials in it)");
    public static final Setting<String> SEARCH_USER_ENV = Setting.of("search.username-env", Setting.ValueParser.text(),
            "", "name of the environment variable holding the search user (basic auth), read on the TaskManagers");
    public static final Setting<String> SEARCH_PASSWORD_ENV = Setting.of("search.password-env",
            Setting.ValueParser.text(), "", "name of the environment variable holding the search password");
    public static final Setting<String> SEARCH_API_KEY_ENV = Setting.of("search.api-key-env",
            Setting.ValueParser.text(), "", "name of the environment variable holding a search API key");
    public static final Setting<String> SEARCH_CA_CERTIFICATE = Setting.of("search.ca-certificate",
            Setting.ValueParser.text(), "", "PEM file of the CA that signed the search server's certificate (https)");

    // telemetry flow: the bounds of ordering, trip enrichment and alerting (defaults are the operators' own)
    public static final Setting<String> TOPIC_ALERTS = topic("alerts", "telemetry.alerts",
            "telemetry flow output: device alerts (Avro single-object encoding, keyed by deviceId), exactly-once");
    public static final Setting<String> TELEMETRY_DEVICES_INDEX = Setting.of("telemetry.devices-index",
            Setting.ValueParser.text(), "devices", "search index of the latest state per device (template devices*)");
    public static final Setting<Duration> TELEMETRY_ORDER_MAX_HOLD = Setting.of("telemetry.order.max-hold",
            Parsers.duration(), millis(OrderingConfig.defaults().maxHold()),
            "how long a missing reading is waited for before its gap is skipped and reported");
    public static final Setting<Integer> TELEMETRY_ORDER_MAX_BUFFERED = Setting.of("telemetry.order.max-buffered",
            Parsers.positiveInt(), String.valueOf(OrderingConfig.defaults().maxBuffered()),
            "readings held per device while waiting for a missing one; one more skips the gap at once");
    public static final Setting<Duration> TELEMETRY_ORDER_STATE_TTL = Setting.of("telemetry.order.state-ttl",
            Parsers.duration(), millis(OrderingConfig.defaults().stateTtl()),
            "a device's ordering state expires this long after its last reading (must exceed max-hold)");
    public static final Setting<Integer> TELEMETRY_ORDER_MAX_SEQ_JUMP = Setting.of("telemetry.order.max-seq-jump",
            Parsers.positiveInt(), String.valueOf(OrderingConfig.defaults().maxSeqJump()),
            "how far ahead of a device's next seq a reading may be and still be ordered; one further ahead is stored"
                    + " but not released until the device's next reading confirms the jump (at least max-buffered)");
    public static final Setting<Integer> TELEMETRY_ORDER_BUNDLE_SIZE = Setting.of("telemetry.order.bundle-size",
            Parsers.positiveInt(), "40000",
            "readings per bundle of the orderer, which caches each device's state for a bundle and writes it back"
                    + " once per device (1: once per reading); readings are processed as they arrive, so this bounds"
                    + " the cache, not the latency");
    public static final Setting<Duration> TELEMETRY_ORDER_BUNDLE_MAX_DELAY = Setting.of(
            "telemetry.order.bundle-max-delay", Parsers.duration(), "50ms",
            "longest the orderer keeps a bundle's state writes pending (bundles are also written back before every"
                    + " checkpoint, watermark and timer)");
    public static final Setting<Duration> TELEMETRY_ENRICH_MAX_WAIT = Setting.of("telemetry.enrich.max-wait",
            Parsers.duration(), millis(TripEnrichmentConfig.defaults().maxWait()),
            "how long a trip waits for its customer / hoverboard state before it is written unenriched");
    public static final Setting<Duration> TELEMETRY_ENRICH_STATE_TTL = Setting.of("telemetry.enrich.state-ttl",
            Parsers.duration(), millis(TripEnrichmentConfig.defaults().stateTtl()),
            "latest customer / reading kept for trip enrichment this long after its last use");
    public static final Setting<Double> TELEMETRY_ALERT_LOW_BATTERY = Setting.of("telemetry.alerts.low-battery-pct",
            Parsers.decimal(), String.valueOf(AlertThresholds.defaults().lowBatteryPct()),
            "LOW_BATTERY when a device's battery drops below this percentage");
    public static final Setting<Double> TELEMETRY_ALERT_MAX_TEMPERATURE = Setting.of(
            "telemetry.alerts.max-temperature-c", Parsers.decimal(),
            String.valueOf(AlertThresholds.defaults().maxTemperatureC()),
            "OVER_TEMPERATURE when a device's temperature rises above this (°C)");
    public static final Setting<Integer> TELEMETRY_ALERT_FAILURE_REPEAT = Setting.of(
            "telemetry.alerts.failure-repeat", Parsers.positiveInt(),
            String.valueOf(AlertThresholds.defaults().failureRepeat()),
            "FAILURE_PATTERN when this many consecutive readings carry the same error code");
    public static final Setting<Duration> TELEMETRY_ALERT_SILENT_AFTER = Setting.of("telemetry.alerts.silent-after",
            Parsers.duration(), millis(AlertThresholds.defaults().silentAfter()),
            "SILENT when a device sends nothing for this long");
    public static final Setting<Duration> TELEMETRY_ALERT_STATE_TTL = Setting.of("telemetry.alerts.state-ttl",
            Parsers.duration(), millis(AlertThresholds.defaults().stateTtl()),
            "a device's alert state expires this long after its last reading (must exceed silent-after)");

    // observations flow: event-time windows counting occurrences by kingdom, species and source
    public static final Setting<String> TOPIC_OBSERVATIONS_LATE = topic("observations-late", "observations.late",
            "observations flow: observations whose window had closed when they arrived (Avro, keyed by occurrence id)");
    public static final Setting<Duration> OBSERVATIONS_WINDOW_SIZE = Setting.of("observations.window-size",
            Parsers.duration(), "2min", "observations flow: size of the event-time tumbling count windows");
    public static final Setting<Duration> OBSERVATIONS_OUT_OF_ORDERNESS = Setting.of("observations.max-out-of-orderness",
            Parsers.duration(), "10s", "observations flow: how far behind the newest event time an observation may"
                    + " arrive and still be counted (the watermark's delay; windows close this much after their end)");
    public static final Setting<Duration> OBSERVATIONS_IDLE_TIMEOUT = Setting.of("observations.idle-timeout",
            Parsers.duration(), "1min", "observations flow: a Kafka partition without records for this long stops"
                    + " holding back the watermark, so windows close while a partition is quiet");
    public static final Setting<Duration> OBSERVATIONS_ALIGNMENT_MAX_DRIFT = Setting.of("observations.alignment.max-drift",
            Parsers.duration(), "10min", "observations flow: watermark alignment; while the job catches up on a"
                    + " backlog, a partition whose watermark runs this far ahead of the slowest one pauses until"
                    + " the others catch up (Flink's split-level alignment). It also caps how fast a backlog drains:"
                    + " about max-drift of event time per alignment interval (10 min per 1 s: a day's backlog in no"
                    + " less than ~2.5 min); 1 min drained 1 000 000 observations 1.46x slower (bench/README.md)");
    public static final Setting<Duration> OBSERVATIONS_ALIGNMENT_INTERVAL = Setting.of("observations.alignment.interval",
            Parsers.duration(), "1s", "observations flow: how often the source readers exchange their watermarks for"
                    + " alignment");
    public static final Setting<Duration> OBSERVATIONS_DEDUPE_TTL = Setting.of("observations.dedupe-ttl",
            Parsers.duration(), "1d", "observations flow: how long an occurrence id is remembered to drop its copies");
    public static final Setting<String> OBSERVATIONS_INDEX_SUFFIX = Setting.of("observations.index-suffix",
            Parsers.indexSuffix(), "", "observations flow: appended to the search indices 'observations' and"
                    + " 'observation-counts' (e.g. -eu), so several jobs or tests can share a search cluster");

    // assets flow: downloads into the object store, broadcast, edge requests (the object store block serves every flow)
    public static final Setting<String> TOPIC_ASSETS_STATUS = topic("assets-status", "assets.status",
            "assets flow output: every lifecycle transition of an asset (AssetStatus)");
    public static final Setting<String> TOPIC_ASSETS_BROADCAST = topic("assets-broadcast", "assets.broadcast",
            "assets flow output: stored assets for every edge (AssetBroadcast)");
    public static final Setting<String> TOPIC_ASSETS_DELIVERED = topic("assets-delivered", "assets.delivered",
            "assets flow output: answers to edge requests (AssetDelivery)");
    public static final Setting<Long> ASSETS_MAX_SIZE = Setting.of("assets.max-size", Parsers.bytes(), "50mb",
            "largest asset downloaded; a longer body is cut when it passes this size");
    public static final Setting<List<String>> ASSETS_MEDIA_TYPES = Setting.of("assets.allowed-media-types",
            Parsers.list(), "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,application/pdf",
            "media types an asset's bytes may have (detected from the bytes); comma-separated");
    public static final Setting<List<String>> ASSETS_ALLOWED_HOSTS = Setting.of("assets.allowed-hosts", Parsers.list(),
            "", "hosts downloads may reach even on private/loopback addresses (SSRF guard exceptions); comma-separated");
    public static final Setting<Boolean> ASSETS_ALLOW_PRIVATE = Setting.of("assets.allow-private-networks",
            Parsers.bool(), "false", "let downloads reach private, loopback and link-local addresses (never in production)");
    public static final Setting<Integer> ASSETS_MAX_REDIRECTS = Setting.of("assets.max-redirects", Parsers.positiveInt(),
            "5", "redirects a download may follow; each hop is checked by the SSRF guard");
    public static final Setting<Duration> ASSETS_CONNECT_TIMEOUT = Setting.of("assets.connect-timeout",
            Parsers.duration(), "10s", "TCP/TLS connect timeout of a download");
    public static final Setting<Duration> ASSETS_DOWNLOAD_TIMEOUT = Setting.of("assets.download-timeout",
            Parsers.duration(), "2min", "longest one download attempt may take, slow bodies included");
    public static final Setting<Integer> ASSETS_CONCURRENCY = Setting.of("assets.download-concurrency",
            Parsers.positiveInt(), "32", "downloads in flight per parallel instance (async operator capacity)");
    public static final Setting<Integer> ASSETS_DOWNLOAD_THREADS = Setting.of("assets.download-threads",
            Parsers.positiveInt(), "4", "threads per parallel instance for URL checks (DNS) and object-store callbacks;"
                    + " the HTTP client runs up to assets.download-concurrency downloads on threads of its own");
    public static final Setting<Integer> ASSETS_RETRY_ATTEMPTS = Setting.of("assets.retry-attempts",
            Parsers.positiveInt(), "4", "attempts of a download that fails with 5xx, 429, a timeout or a network error");
    public static final Setting<Duration> ASSETS_RETRY_INITIAL_DELAY = Setting.of("assets.retry-initial-delay",
            Parsers.duration(), "1s", "delay before the first retry; doubles per retry");
    public static final Setting<Duration> ASSETS_RETRY_MAX_DELAY = Setting.of("assets.retry-max-delay",
            Parsers.duration(), "30s", "longest delay between retries");
    public static final Setting<Duration> ASSETS_REQUEST_TTL = Setting.of("assets.request-ttl", Parsers.duration(),
            "10min", "how long an edge request waits for its asset to be stored before it is answered EXPIRED");
    public static final Setting<Boolean> ASSETS_CATALOG = Setting.of("assets.catalog", Parsers.bool(), "true",
            "write a catalog entry per stored or copied object to the search index and the warehouse, and every"
                    + " lifecycle transition to the warehouse's asset_status");
    public static final Setting<String> OBJECTSTORE_URL = Setting.of("objectstore.url", Parsers.objectStoreUrl(),
            "s3://tributary", "where blobs go: s3://bucket (with the endpoint below) or file:///directory for development");
    public static final Setting<String> OBJECTSTORE_ENDPOINT = Setting.of("objectstore.endpoint",
            Setting.ValueParser.text(), "", "S3 API endpoint with scheme, e.g. http://127.0.0.1:9000; empty for AWS");
    public static final Setting<String> OBJECTSTORE_REGION = Setting.of("objectstore.region", Setting.ValueParser.text(),
            "us-east-1", "S3 signing region");
    public static final Setting<Boolean> OBJECTSTORE_PATH_STYLE = Setting.of("objectstore.path-style", Parsers.bool(),
            "false", "path-style S3 requests (endpoint/bucket/key); S3-compatible local stores need true");
    public static final Setting<String> OBJECTSTORE_ACCESS_KEY = Setting.secret("objectstore.access-key",
            "S3 access key as ${env:NAME}; empty uses the AWS default credentials chain");
    public static final Setting<String> OBJECTSTORE_SECRET_KEY = Setting.secret("objectstore.secret-key",
            "S3 secret key as ${env:NAME}");
    // lake flow: raw zone, landing directory, metadata catalog
    public static final Setting<java.net.URI> LAKE_RAW_ZONE = Setting.of("lake.raw-zone", Parsers.fileSystemUri(),
            "s3://tributary/raw", "raw zone root (s3:// needs the flink-s3-fs-hadoop plugin, file:// a shared disk):"
                    + " event part files under events/, stored objects under objects/sha256/");
    public static final Setting<java.net.URI> LAKE_LANDING = Setting.of("lake.landing", Parsers.fileSystemUri(),
            "s3://tributary/landing", "landing location watched for new files (s3:// or file://)");
    public static final Setting<Duration> LAKE_LANDING_SCAN_INTERVAL = Setting.of("lake.landing-scan-interval",
            Parsers.duration(), "10s", "how often the landing location is listed for new files");
    public static final Setting<String> LAKE_CATALOG_INDEX = Setting.of("lake.catalog-index", Setting.ValueParser.text(),
            "catalog", "search index of the metadata catalog (the 'catalog' template matches catalog*)");
    public static final Setting<String> TOPIC_CATALOG = topic("catalog", "catalog.entries",
            "lake flow output: every catalog entry after each change (CatalogEntry, keyed by object key)");

    // ---- edge flow (flows=edge): the edge's own job reads HQ's broadcast as replicated by MirrorMaker 2 ----
    public static final Setting<List<String>> TOPICS_EDGE_BROADCAST = inputTopics("edge-assets-broadcast",
            "assets.broadcast", "edge flow input: HQ's asset broadcast as replicated to the edge (AssetBroadcast)");
    public static final Setting<List<String>> TOPICS_EDGE_DELIVERED = inputTopics("edge-assets-delivered",
            "assets.delivered", "edge flow input: HQ's answers to requests as replicated to the edge (AssetDelivery);"
                    + " FAILED and EXPIRED answers to this edge set its edge_assets row FAILED/EXPIRED");
    public static final Setting<String> EDGE_ID = Setting.of("edge.id", value -> {
        // the edge id is part of request ids and of HQ's object keys (edges/<edgeId>/...): a plain name
        if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("must be 1-64 letters, digits, '.', '_' or '-' (the edge's id, as"
                    + " bin/edge's TRIBUTARY_EDGE_ID), got '" + value + "'");
        }
        return value;
    }, "edge-1", "edge flow: this edge's id (TRIBUTARY_EDGE_ID of bin/edge); only answers to its requests apply");

    /** Every declared setting, in the order {@code --help} lists them. */
    public static final List<Setting<?>> ALL = List.of(
            JOB_NAME, FLOWS,
            KAFKA_BOOTSTRAP, KAFKA_GROUP_ID, KAFKA_TX_PREFIX, KAFKA_TX_TIMEOUT, KAFKA_STARTING_OFFSETS,
            KAFKA_CHECK_REACHABLE, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
            KAFKA_SASL_PASSWORD, KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD,
            TOPIC_DEAD_LETTER, TOPIC_VALIDATED, TOPICS_ASSETS_ANNOUNCED, TOPICS_ASSETS_REQUESTED, TOPICS_HOVERBOARD,
            TOPICS_CUSTOMER, TOPICS_CUSTOMER_CHANGES, TOPICS_TRIP, TOPICS_OBSERVATIONS,
            DECODE_MAX_PAYLOAD, DECODE_MAX_CLOCK_AHEAD,
            WAREHOUSE_JDBC_URL, WAREHOUSE_USER, WAREHOUSE_PASSWORD, WAREHOUSE_BATCH_SIZE, WAREHOUSE_FLUSH_INTERVAL,
            WAREHOUSE_MAX_RETRY,
            SEARCH_URL, SEARCH_USER_ENV, SEARCH_PASSWORD_ENV, SEARCH_API_KEY_ENV, SEARCH_CA_CERTIFICATE,
            TOPIC_ALERTS, TELEMETRY_DEVICES_INDEX, TELEMETRY_ORDER_MAX_HOLD, TELEMETRY_ORDER_MAX_BUFFERED,
            TELEMETRY_ORDER_STATE_TTL, TELEMETRY_ORDER_MAX_SEQ_JUMP, TELEMETRY_ORDER_BUNDLE_SIZE, TELEMETRY_ORDER_BUNDLE_MAX_DELAY,
            TELEMETRY_ENRICH_MAX_WAIT, TELEMETRY_ENRICH_STATE_TTL,
            TELEMETRY_ALERT_LOW_BATTERY, TELEMETRY_ALERT_MAX_TEMPERATURE, TELEMETRY_ALERT_FAILURE_REPEAT,
            TELEMETRY_ALERT_SILENT_AFTER, TELEMETRY_ALERT_STATE_TTL,
            TOPIC_OBSERVATIONS_LATE, OBSERVATIONS_WINDOW_SIZE, OBSERVATIONS_OUT_OF_ORDERNESS, OBSERVATIONS_IDLE_TIMEOUT,
            OBSERVATIONS_ALIGNMENT_MAX_DRIFT, OBSERVATIONS_ALIGNMENT_INTERVAL, OBSERVATIONS_DEDUPE_TTL, OBSERVATIONS_INDEX_SUFFIX,
            TOPIC_ASSETS_STATUS, TOPIC_ASSETS_BROADCAST, TOPIC_ASSETS_DELIVERED, ASSETS_MAX_SIZE, ASSETS_MEDIA_TYPES,
            ASSETS_ALLOWED_HOSTS, ASSETS_ALLOW_PRIVATE, ASSETS_MAX_REDIRECTS, ASSETS_CONNECT_TIMEOUT,
            ASSETS_DOWNLOAD_TIMEOUT, ASSETS_CONCURRENCY, ASSETS_DOWNLOAD_THREADS, ASSETS_RETRY_ATTEMPTS,
            ASSETS_RETRY_INITIAL_DELAY, ASSETS_RETRY_MAX_DELAY, ASSETS_REQUEST_TTL, ASSETS_CATALOG,
            OBJECTSTORE_URL, OBJECTSTORE_ENDPOINT, OBJECTSTORE_REGION, OBJECTSTORE_PATH_STYLE, OBJECTSTORE_ACCESS_KEY,
            OBJECTSTORE_SECRET_KEY,
            LAKE_RAW_ZONE, LAKE_LANDING, LAKE_LANDING_SCAN_INTERVAL, LAKE_CATALOG_INDEX, TOPIC_CATALOG,
            TOPICS_EDGE_BROADCAST, TOPICS_EDGE_DELIVERED, EDGE_ID);

    private final Map<String, Object> values;
    private final Map<String, String> kafkaClient;

    private JobSettings(Map<String, Object> values, Map<String, String> kafkaClient) {
        this.values = values;
        this.kafkaClient = kafkaClient;
    }

    /** A default duration as the text {@link Parsers#duration()} reads back, in its largest whole unit. */
    private static String millis(Duration d) {
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "min", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static Setting<String> topic(String name, String defaultTopic, String description) {
        return Setting.of("topics." + name, Parsers.topicName(), defaultTopic, description);
    }

    private static Setting<List<String>> inputTopics(String name, String defaultTopics, String description) {
        return Setting.of("topics." + name, Parsers.topicNames(), defaultTopics, description + "; comma-separated");
    }

    /** Parses and validates; throws {@link InvalidSettingsException} naming every bad setting. */
    public static JobSettings parse(Map<String, String> raw, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        ALL.forEach(s -> byKey.put(s.key(), s));

        Map<String, String> kafkaClient = new TreeMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(KAFKA_CLIENT_PREFIX)) {
                String resolved = resolveEnv(key, e.getValue(), environment, problems);
                if (resolved != null) {
                    kafkaClient.put(key.substring(KAFKA_CLIENT_PREFIX.length()), resolved);
                }
            } else if (!byKey.containsKey(key)) {
                problems.add("unknown setting '" + key + "'" + suggestion(key, byKey.keySet()));
            }
        }

        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            String text = raw.containsKey(s.key()) ? resolveEnv(s.key(), raw.get(s.key()), environment, problems)
                    : s.defaultText();
            if (text == null && raw.containsKey(s.key())) {
                continue; // unresolved ${env:...}: already reported
            }
            if (text == null) {
                problems.add("setting '" + s.key() + "' is required: " + s.description());
                continue;
            }
            try {
                values.put(s.key(), s.parser().parse(text));
            } catch (IllegalArgumentException ex) {
                problems.add("setting '" + s.key() + "' " + ex.getMessage()
                        + (s.defaultText() != null && !s.secret() ? " (default: " + s.defaultText() + ")" : ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        JobSettings settings = new JobSettings(Collections.unmodifiableMap(values), Collections.unmodifiableMap(kafkaClient));
        KafkaSecurity.check(settings, kafkaClient, problems);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return settings;
    }

    /**
     * Checks that need the network, separated from {@link #parse} so tests and {@code --help} stay offline.
     * Throws {@link InvalidSettingsException} naming the setting.
     *
     * @param timeout TCP connect timeout per bootstrap server; the login with the job's security settings that
     *                follows waits longer (see {@link KafkaPreflight#TIMEOUT})
     */
    public void checkReachable(Duration timeout) {
        if (!get(KAFKA_CHECK_REACHABLE)) {
            return;
        }
        List<String> servers = get(KAFKA_BOOTSTRAP);
        List<String> failures = new ArrayList<>();
        for (String server : servers) {
            int colon = server.lastIndexOf(':');
            String host = server.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(server.substring(colon + 1));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                KafkaPreflight.check(this, KafkaPreflight.TIMEOUT);
                return;
            } catch (InvalidSettingsException e) {
                throw e;
            } catch (Exception e) {
                failures.add(server + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        throw new InvalidSettingsException(List.of("setting '" + KAFKA_BOOTSTRAP.key() + "': no bootstrap server accepts"
                + " connections: " + String.join(", ", failures)
                + ". Fix the address, start the broker (bin/stack up kafka), or set kafka.check-reachable=false"));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting.key());
        if (v == null) {
            throw new IllegalArgumentException("setting " + setting.key() + " is not declared in JobSettings.ALL");
        }
        return (T) v;
    }

    /**
     * Kafka client properties: bootstrap servers, the security settings ({@code kafka.security.protocol},
     * {@code kafka.sasl.*}, {@code kafka.ssl.*}) and every {@code kafka.client.*} pass-through setting. Every Kafka
     * client of the job is made from these.
     */
    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        kafkaClient.forEach(props::setProperty);
        KafkaSecurity.apply(this, props);
        props.setProperty("bootstrap.servers", String.join(",", get(KAFKA_BOOTSTRAP)));
        return props;
    }

    /** Settings as text for logs and the web UI's job configuration, secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            out.put(s.key(), s.secret() ? "******" : String.valueOf(values.get(s.key())));
        }
        kafkaClient.forEach((k, v) -> out.put(KAFKA_CLIENT_PREFIX + k, isSecretKey(k) ? "******" : v));
        return out;
    }

    @Override
    public String toString() {
        return "JobSettings" + describe();
    }

    /** The text {@code --help} prints: every setting, its default and meaning. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Tributary job settings (properties file via --config <file>, overrides as --key value).\n");
        sb.append("A value may be ${env:NAME} to read it from the environment (use this for secrets).\n\n");
        int width = ALL.stream().map(Setting::key).max(Comparator.comparingInt(String::length)).orElse("").length();
        for (Setting<?> s : ALL) {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", s.key(), s.description()));
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  default: %s%n", "",
                    s.isRequired() ? "(required)" : s.defaultText().isEmpty() ? "(empty)" : s.defaultText()));
        }
        sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", KAFKA_CLIENT_PREFIX + "*",
                "passed to every Kafka client, e.g. kafka.client.ssl.keystore.location=/etc/kafka/client.p12"));
        return sb.toString();
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    private static String resolveEnv(String key, String value, Map<String, String> env, List<String> problems) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                problems.add("setting '" + key + "' reads environment variable " + m.group(1)
                        + ", which is not set: export it before starting the job");
                ok = false;
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return ok ? sb.toString() : null;
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = levenshtein(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4)
                ? ": did you mean '" + best + "'?" : ": see --help for the known settings";
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
