package dev.tributary.query;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The query API over the processed zone, on Javalin (Jetty), answering JSON. Routes (GET and HEAD):
 * {@code /observations/counts}, {@code /observations/windows[/<id>]}, {@code /devices/<id>}, {@code /assets/<id>},
 * {@code /catalog}, {@code /alerts}, {@code /dead-letters}, {@code /health}, {@code /openapi.json} (the OpenAPI description of them all), and the HQ console
 * page at {@code /console/}. Errors are JSON {@code {"error": "..."}} with 400 (bad parameter, named), 404, 405,
 * 503 (warehouse or search server unavailable) or 504 (timed out).
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION_JSON = "application/json; charset=utf-8";
    private static final String ANSWERED = "tributary.answered";

    private final Warehouse warehouse;
    private final DeadLetterTail deadLetters;
    private final Javalin app;

    private QueryServer(QuerySettings settings) {
        this.warehouse = new Warehouse(settings.pgUrl(), settings.pgUser(), settings.pgPassword(), settings.timeout());
        SearchIndex search = new SearchIndex(settings.esUrl(), settings.timeout());
        Endpoint observations = new ObservationsEndpoint(warehouse);
        Endpoint devices = new DevicesEndpoint(warehouse, search, settings.devicesIndex());
        Endpoint assets = new AssetsEndpoint(warehouse);
        Endpoint catalog = new CatalogEndpoint(search, settings.catalogIndex());
        Endpoint alerts = new AlertsEndpoint(warehouse);
        this.deadLetters = new DeadLetterTail(settings.kafkaBootstrap(), settings.deadLetterTopic(), settings.timeout());
        Endpoint letters = new DeadLettersEndpoint(deadLetters);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            resource(config.routes, "/observations/<rest>", "/observations/", observations);
            resource(config.routes, "/devices/<rest>", "/devices/", devices);
            resource(config.routes, "/assets/<rest>", "/assets/", assets);
            resource(config.routes, "/assets", "/assets/", assets); // the collection: assets by state
            resource(config.routes, "/catalog", "/catalog", catalog);
            resource(config.routes, "/alerts", "/alerts", alerts);
            resource(config.routes, "/dead-letters", "/dead-letters", letters);
            resource(config.routes, "/health", "/health", (rest, query) -> Map.of("status", "ok"));
            config.routes.get("/openapi.json", ctx -> ctx.contentType(APPLICATION_JSON).result(openApi()));
            // the HQ console: a static page that reads this API from the browser (no build step, no CDN)
            config.staticFiles.add(files -> {
                files.hostedPath = "/console";
                files.directory = "/query/console";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-store");
            });
            config.routes.get("/", ctx -> ctx.redirect("/console/"));
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) { // no route: not an endpoint's own 404 (e.g. no such device)
                    answer(ctx, 404, Map.of("error", "no such resource: " + ctx.path() + " (try /observations/counts?by=kingdom, "
                            + "/observations/windows, /devices/<id>, /assets/<id>, /catalog?q=, /alerts, /dead-letters, /openapi.json, /console/)"));
                }
            });
            config.routes.error(405, ctx -> answer(ctx, 405,
                    Map.of("error", "method " + ctx.method() + " not allowed: this API is read-only (GET)")));
            config.routes.exception(ApiError.class, (e, ctx) -> answer(ctx, e.status(), Map.of("error", e.getMessage())));
            config.routes.exception(Warehouse.WarehouseUnavailable.class, (e, ctx) -> {
                LOG.warn("warehouse query for {} failed: {}", ctx.path(), e.getCause() == null ? e : e.getCause().toString());
                answer(ctx, 503, Map.of("error", "the warehouse is unavailable"));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
                answer(ctx, 500, Map.of("error", "internal error"));
            });
        });
    }

    /** GET and HEAD of an endpoint: {@code rest} is the raw path after {@code prefix}, percent-decoded here. */
    private static void resource(io.javalin.router.JavalinDefaultRoutingApi routes, String path, String prefix, Endpoint endpoint) {
        io.javalin.http.Handler handler = ctx -> {
            // the raw path, not Javalin's decoded path parameter: a '+' in an id stays a '+'
            String rawPath = ctx.req().getRequestURI();
            String rest = rawPath.length() > prefix.length() ? rawPath.substring(prefix.length()) : "";
            answer(ctx, 200, endpoint.get(decodePath(rest), ctx.queryString()));
        };
        routes.get(path, handler);
        routes.head(path, handler);
    }

    /** Starts a server; port 0 picks a free port (see {@link #port()}). */
    public static QueryServer start(QuerySettings settings) {
        QueryServer s = new QueryServer(settings);
        s.app.start(settings.host(), settings.port());
        LOG.info("query: listening on http://{}:{} (console at /console/), warehouse {}, search {}", settings.host(),
                s.port(), settings.pgUrl(), settings.esUrl());
        return s;
    }

    public int port() {
        return app.port();
    }

    /** The OpenAPI description of every endpoint (a resource of this module; {@code QueryOpenApiTest} keeps it true). */
    static byte[] openApi() throws IOException {
        try (InputStream in = QueryServer.class.getResourceAsStream("/query/openapi.json")) {
            if (in == null) {
                throw new IOException("query/openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static void answer(Context ctx, int status, Object body) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        try {
            ctx.status(status).contentType(APPLICATION_JSON).header("Cache-Control", "no-store")
                    .result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String decodePath(String raw) {
        try {
            // a path keeps '+' literal; only %XX escapes are decoded
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("path", "is not valid percent-encoding");
        }
    }

    @Override
    public void close() {
        app.stop();
        warehouse.close();
        deadLetters.close();
    }
}
