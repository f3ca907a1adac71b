package dev.tributary.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The query API over the processed zone: a JDK HttpServer answering JSON. Routes (GET only):
 * {@code /observations/counts}, {@code /observations/windows[/<id>]}, {@code /devices/<id>}, {@code /assets/<id>},
 * {@code /catalog}, {@code /health}. Errors are JSON {@code {"error": "..."}} with 400 (bad parameter, named),
 * 404, 405, 503 (warehouse or search server unavailable) or 504 (timed out).
 */
public final class QueryServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QueryServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THREADS = 8;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

    private QueryServer(QuerySettings settings) throws IOException {
        Warehouse warehouse = new Warehouse(settings.pgUrl(), settings.pgUser(), settings.pgPassword(), settings.timeout());
        SearchIndex search = new SearchIndex(settings.esUrl(), settings.timeout());
        endpoints.put("/observations/", new ObservationsEndpoint(warehouse));
        endpoints.put("/devices/", new DevicesEndpoint(warehouse, search, settings.devicesIndex()));
        endpoints.put("/assets/", new AssetsEndpoint(warehouse));
        endpoints.put("/catalog", new CatalogEndpoint(search, settings.catalogIndex()));
        endpoints.put("/health", (rest, query) -> Map.of("status", "ok"));
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "query-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts a server; port 0 picks a free port (see {@link #port()}). */
    public static QueryServer start(QuerySettings settings) throws IOException {
        QueryServer s = new QueryServer(settings);
        s.server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int status = 200;
        Object body;
        try {
            body = route(exchange);
        } catch (ApiError e) {
            status = e.status();
            body = Map.of("error", e.getMessage());
        } catch (Warehouse.WarehouseUnavailable e) {
            LOG.log(System.Logger.Level.WARNING, "warehouse query failed", e);
            status = 503;
            body = Map.of("error", "the warehouse is unavailable");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.getRequestURI().getRawPath() + " failed", e);
            status = 500;
            body = Map.of("error", "internal error");
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    private Object route(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw ApiError.methodNotAllowed(method);
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        for (Map.Entry<String, Endpoint> e : endpoints.entrySet()) {
            String prefix = e.getKey();
            if (rawPath.startsWith(prefix)) {
                return e.getValue().get(decodePath(rawPath.substring(prefix.length())), exchange.getRequestURI().getRawQuery());
            }
        }
        throw ApiError.notFound("no such resource: " + rawPath + " (try /observations/counts?by=kingdom, "
                + "/observations/windows, /devices/<id>, /assets/<id>, /catalog?q=)");
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
        server.stop(0);
        executor.shutdownNow();
    }
}
