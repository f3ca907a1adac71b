package dev.tributary.tools.edge.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.tools.edge.EdgeCatalog;
import dev.tributary.tools.edge.OutboxSync;
import dev.tributary.tools.edge.RequestPublisher;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The field team's console (bin/edge console): the edge catalog as tiles with HQ's thumbnails, each asset's status
 * as it changes, a Request button (the same {@link EdgeCatalog#request} as {@code bin/edge request}), a viewer for
 * delivered files from the outbox, and the link's state ({@link LinkMonitor}). Unless told otherwise it also runs
 * the request publisher and the outbox sync in the background, so one process is the edge's whole loop.
 *
 * <p>Routes: the page at {@code /console/}; JSON under {@code /api/} (described by {@code /openapi.json}). Errors are
 * JSON {@code {"error": "..."}}: 400, 404, 409 (not requestable in its status), 503 (the edge's database is away).
 * Nothing crosses the link from here: thumbnails are in the catalog, files are served from the local outbox.
 */
public final class EdgeConsole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION_JSON = "application/json; charset=utf-8";
    private static final int PUBLISH_BATCH = 100;

    private final EdgeConsoleSettings settings;
    private final HikariDataSource pool;
    private final LinkMonitor link;
    private final ObjectStore store;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RequestPublisher publisher;
    private final OutboxSync sync;
    private final ScheduledExecutorService background;
    private final AtomicReference<Map<String, Object>> lastSync = new AtomicReference<>(Map.of("at", "never"));
    private final AtomicReference<Map<String, Object>> lastPublish = new AtomicReference<>(Map.of("at", "never"));
    private final Javalin app;

    private EdgeConsole(EdgeConsoleSettings settings) {
        this.settings = settings;
        this.pool = pool(settings);
        this.link = new LinkMonitor(settings.kafkaBootstrap(), settings.heartbeatsTopic(), settings.linkDownAfter(),
                Clock.systemUTC());
        this.store = ObjectStoreConfig.s3(settings.s3Bucket(), settings.s3Endpoint(), "us-east-1", true,
                settings.s3AccessKey(), settings.s3SecretKey()).open();
        this.producer = settings.publishEvery().isZero() ? null : producer(settings.kafkaBootstrap());
        this.publisher = producer == null ? null
                : new RequestPublisher(producer, settings.requestsTopic(), settings.edgeId(), Clock.systemUTC());
        this.sync = new OutboxSync(store, settings.outbox(), settings.edgeId());
        this.background = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "edge-console-background");
            t.setDaemon(true);
            return t;
        });
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.routes.get("/api/assets", this::tiles);
            config.routes.get("/api/assets/{id}/thumbnail", this::thumbnail);
            config.routes.post("/api/assets/{id}/request", this::request);
            config.routes.get("/api/assets/{id}/file", this::file);
            config.routes.get("/api/link", ctx -> answer(ctx, 200, status()));
            config.routes.post("/api/sync", ctx -> answer(ctx, 200, syncNow()));
            config.routes.get("/health", ctx -> answer(ctx, 200, Map.of("status", "ok")));
            config.routes.get("/openapi.json", ctx -> ctx.contentType(APPLICATION_JSON).result(openApi()));
            config.staticFiles.add(files -> {
                files.hostedPath = "/console";
                files.directory = "/edge/console";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-store");
            });
            config.routes.get("/", ctx -> ctx.redirect("/console/"));
            config.routes.error(404, ctx -> {
                if (ctx.attribute("answered") == null) {
                    answer(ctx, 404, Map.of("error", "no such resource: " + ctx.path() + " (the console is at /console/)"));
                }
            });
            config.routes.error(405, ctx -> answer(ctx, 405, Map.of("error", "method " + ctx.method() + " not allowed on " + ctx.path())));
            config.routes.exception(ConsoleError.class, (e, ctx) -> answer(ctx, e.status, Map.of("error", e.getMessage())));
            config.routes.exception(SQLException.class, (e, ctx) -> {
                LOG.warn("edge database query for {} failed: {}", ctx.path(), e.toString());
                answer(ctx, 503, Map.of("error", "the edge's database is unavailable"));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
                answer(ctx, 500, Map.of("error", "internal error"));
            });
        });
    }

    /** Starts the console and its background loops; port 0 picks a free port ({@link #port()}). */
    public static EdgeConsole start(EdgeConsoleSettings settings) {
        EdgeConsole console = new EdgeConsole(settings);
        console.link.start();
        if (console.producer != null) {
            long every = settings.publishEvery().toMillis();
            console.background.scheduleWithFixedDelay(console::publishOnce, 0, every, TimeUnit.MILLISECONDS);
        }
        if (!settings.syncEvery().isZero()) {
            long every = settings.syncEvery().toMillis();
            console.background.scheduleWithFixedDelay(console::syncQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        console.app.start(settings.host(), settings.port());
        LOG.info("edge console: http://{}:{}/console/ ({})", settings.host(), console.port(), settings);
        return console;
    }

    public int port() {
        return app.port();
    }

    private void tiles(Context ctx) throws SQLException {
        int limit = intParam(ctx, "limit", 200, 1, CatalogView.MAX_TILES);
        try (Connection c = pool.getConnection()) {
            answer(ctx, 200, Map.of("edgeId", settings.edgeId(), "assets", CatalogView.tiles(c, limit)));
        }
    }

    private void thumbnail(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        Optional<CatalogView.Image> image;
        try (Connection c = pool.getConnection()) {
            image = CatalogView.thumbnail(c, id);
        }
        CatalogView.Image found = image.orElseThrow(() -> new ConsoleError(404, "no thumbnail for asset " + id));
        // the URL the page uses carries the thumbnail's version (?v=), so a new thumbnail is a new URL
        ctx.status(200).contentType(found.contentType()).header("Cache-Control", "private, max-age=86400")
                .header("X-Content-Type-Options", "nosniff").result(found.bytes());
    }

    private void request(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        try (Connection c = pool.getConnection()) {
            if (EdgeCatalog.request(c, id)) {
                LOG.info("edge console: asset {} requested", id);
                answer(ctx, 202, Map.of("assetId", id, "status", "REQUESTING"));
                return;
            }
            CatalogView.Asset asset = CatalogView.asset(c, id)
                    .orElseThrow(() -> new ConsoleError(404, "no asset " + id + " in this edge's catalog"));
            throw new ConsoleError(409, "asset " + id + " is " + asset.status()
                    + ": only AVAILABLE, FAILED or EXPIRED assets can be requested");
        }
    }

    private void file(Context ctx) throws SQLException, IOException {
        String id = ctx.pathParam("id");
        CatalogView.Asset asset;
        try (Connection c = pool.getConnection()) {
            asset = CatalogView.asset(c, id).orElseThrow(() -> new ConsoleError(404, "no asset " + id + " in this edge's catalog"));
        }
        if (!"DELIVERED".equals(asset.status())) {
            throw new ConsoleError(409, "asset " + id + " is " + asset.status() + ": its file is not in the outbox yet");
        }
        Path file = outboxFile(id).orElseThrow(() -> new ConsoleError(404,
                "asset " + id + " is DELIVERED but its file is not in " + settings.outbox() + " (run a sync)"));
        ctx.header("X-Content-Type-Options", "nosniff").header("Cache-Control", "private, max-age=3600")
                .header("Content-Disposition", "inline; filename=\"" + file.getFileName().toString().replace("\"", "") + "\"");
        // seekable: a video player asks for ranges
        ctx.writeSeekableStream(Files.newInputStream(file), asset.mediaType(), Files.size(file));
    }

    /** The asset's file in the outbox ({@code <outbox>/<assetId>/<name>}, as {@link dev.tributary.tools.edge.OutboxCopy} writes it). */
    private Optional<Path> outboxFile(String assetId) throws IOException {
        if (assetId.isEmpty() || assetId.contains("/") || assetId.contains("\\") || assetId.startsWith(".")) {
            throw new ConsoleError(400, "asset id '" + assetId + "' cannot name an outbox folder");
        }
        Path dir = settings.outbox().resolve(assetId).normalize();
        if (!dir.startsWith(settings.outbox().normalize()) || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".part")).findFirst();
        }
    }

    private Map<String, Object> status() {
        LinkMonitor.LinkState state = link.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("edgeId", settings.edgeId());
        body.put("link", state.state());
        body.put("lastHeartbeatAt", state.lastHeartbeatAt() == null ? null : state.lastHeartbeatAt().toString());
        body.put("secondsSinceHeartbeat", state.secondsSinceHeartbeat());
        body.put("detail", state.detail());
        body.put("lastSync", lastSync.get());
        body.put("lastPublish", lastPublish.get());
        return body;
    }

    private void publishOnce() {
        try (Connection c = pool.getConnection()) {
            int sent = publisher.publishBatch(c, PUBLISH_BATCH);
            if (sent > 0) {
                LOG.info("edge console: published {} request(s) to {}", sent, settings.requestsTopic());
                lastPublish.set(Map.of("at", Instant.now().toString(), "published", sent));
            }
        } catch (Exception e) {
            LOG.warn("edge console: publishing requests failed, the rows stay REQUESTING: {}", e.toString());
            lastPublish.set(Map.of("at", Instant.now().toString(), "error", String.valueOf(e.getMessage())));
        }
    }

    private synchronized Map<String, Object> syncNow() throws Exception {
        try (Connection c = pool.getConnection()) {
            OutboxSync.Result r = sync.run(c);
            Map<String, Object> result = Map.of("at", Instant.now().toString(), "copied", r.copied(),
                    "alreadyLocal", r.alreadyLocal(), "notDeliveredYet", r.notDeliveredYet());
            if (r.copied() > 0) {
                LOG.info("edge console: sync copied {} file(s) into {}", r.copied(), settings.outbox());
            }
            lastSync.set(result);
            return result;
        }
    }

    private void syncQuietly() {
        try {
            syncNow();
        } catch (Exception e) {
            LOG.warn("edge console: sync failed, next try in {} s: {}", settings.syncEvery().toSeconds(), e.toString());
            lastSync.set(Map.of("at", Instant.now().toString(), "error", String.valueOf(e.getMessage())));
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ConsoleError(400, name + " must be a whole number in " + min + ".." + max + ", not '" + v + "'");
    }

    private static HikariDataSource pool(EdgeConsoleSettings s) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(s.pgUrl());
        config.setUsername(s.pgUser());
        config.setPassword(s.pgPassword());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(s.dbTimeout().toMillis());
        config.setInitializationFailTimeout(-1); // start without the database; answer 503 while it is away
        config.setPoolName("edge-console");
        return new HikariDataSource(config);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("delivery.timeout.ms", "30000");
        props.put("request.timeout.ms", "10000");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static byte[] openApi() throws IOException {
        try (InputStream in = EdgeConsole.class.getResourceAsStream("/edge/openapi.json")) {
            if (in == null) {
                throw new IOException("edge/openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static void answer(Context ctx, int status, Object body) {
        ctx.attribute("answered", Boolean.TRUE);
        try {
            ctx.status(status).contentType(APPLICATION_JSON).header("Cache-Control", "no-store").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer with a status and a reason. */
    static final class ConsoleError extends RuntimeException {
        final int status;

        ConsoleError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void close() {
        app.stop();
        background.shutdownNow();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
        store.close();
        pool.close();
    }

    /** bin/edge console. */
    public static void main(String[] args) throws Exception {
        EdgeConsole console = start(EdgeConsoleSettings.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(console::close, "edge-console-stop"));
        Thread.currentThread().join();
    }

}
