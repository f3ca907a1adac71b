package dev.tributary.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A local HTTP server of sample assets for the demo, the benchmark and the tests, with the cases a download
 * service meets in the field. Paths ({@code <name>} makes the bytes unique):
 * <ul>
 *   <li>{@code /img/<name>.png}, {@code /img/<name>.jpg}, {@code /video/<name>.mp4}: valid files</li>
 *   <li>{@code /large/<name>.mp4}: a valid 2 MiB video</li>
 *   <li>{@code /flaky/<name>.png}: HTTP 500 on the first request for the name, then the file</li>
 *   <li>{@code /slow/<name>.png}: a valid header, then one byte every 200 ms</li>
 *   <li>{@code /big/<name>.png}: a PNG signature followed by 64 MiB</li>
 *   <li>{@code /wrong/<name>.png}: HTML served as image/png</li>
 *   <li>{@code /redirect/<name>.png}: 302 to {@code /img/<name>.png}</li>
 *   <li>{@code /redirect-private/<name>}: 302 to the cloud metadata address</li>
 *   <li>{@code /status/<code>}: that status</li>
 *   <li>{@code /hang/<name>}: accepts the request and never answers (until the server closes)</li>
 *   <li>{@code /reset/<name>}: closes the connection without an answer</li>
 * </ul>
 * For fault-injection tests, {@link #fault(Fault)} makes the valid files' paths ({@code /img/}, {@code /video/},
 * {@code /large/}) hang, drop the connection or answer 500 until it is set back to {@link Fault#NONE}.
 */
public final class SampleAssetServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sample-asset-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final int imageSize;
    private final Object faultChanged = new Object();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean closed;
    private final Map<String, AtomicInteger> faulted = new ConcurrentHashMap<>();

    /** What the valid files' paths do while a fault is on. */
    public enum Fault {
        /** serve the file */
        NONE,
        /** accept the request and never answer, while the fault lasts */
        HANG,
        /** close the connection without an answer: the client sees it dropped */
        RESET,
        /** answer HTTP 500 */
        ERROR_500
    }

    private SampleAssetServer(HttpServer server, int imageSize) {
        this.server = server;
        this.imageSize = imageSize;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on 127.0.0.1 (port 0 picks a free one); images are {@code imageSize} pixels square. */
    public static SampleAssetServer start(int port, int imageSize) throws IOException {
        return new SampleAssetServer(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128), imageSize);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests seen for a path, e.g. to check that a retry happened. */
    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** Switches the valid files' paths to a fault, or back to serving them ({@link Fault#NONE}). */
    public void fault(Fault next) {
        synchronized (faultChanged) {
            fault = next;
            faultChanged.notifyAll(); // hung requests end when the hang does
        }
    }

    /** Requests for a path that met a fault (hung, dropped or answered 500). */
    public int faultedHits(String path) {
        AtomicInteger n = faulted.get(path);
        return n == null ? 0 : n.get();
    }

    /** The bytes a valid path serves. */
    public byte[] bytesOf(String path) {
        return cache.computeIfAbsent(path, p -> {
            String file = p.substring(p.lastIndexOf('/') + 1);
            String name = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
            if (p.endsWith(".jpg")) {
                return SampleMedia.jpeg(name, imageSize, imageSize);
            }
            if (p.startsWith("/large/")) {
                return SampleMedia.mp4(name, 2 << 20);
            }
            if (p.endsWith(".mp4")) {
                return SampleMedia.mp4(name, imageSize * imageSize);
            }
            return SampleMedia.png(name, imageSize, imageSize);
        });
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        int count = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (ex) {
            boolean valid = path.startsWith("/img/") || path.startsWith("/video/") || path.startsWith("/large/");
            Fault now = fault;
            if (valid && now != Fault.NONE) {
                faulted.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (now == Fault.HANG) {
                    hangWhile(() -> fault == Fault.HANG);
                } else if (now == Fault.ERROR_500) {
                    send(ex, 500, "text/plain", "injected fault".getBytes(StandardCharsets.UTF_8));
                }
                // RESET, and a hang that ended: closing the exchange unanswered drops the connection
            } else if (valid) {
                send(ex, 200, type(path), bytesOf(path));
            } else if (path.startsWith("/hang/")) {
                hangWhile(() -> true);
            } else if (path.startsWith("/reset/")) {
                ex.getRequestBody().close(); // and no answer: the exchange's close drops the connection
            } else if (path.startsWith("/flaky/")) {
                if (count == 1) {
                    send(ex, 500, "text/plain", "try again".getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 200, "image/png", bytesOf(path));
                }
            } else if (path.startsWith("/slow/")) {
                byte[] body = bytesOf(path);
                ex.getResponseHeaders().set("Content-Type", "image/png");
                ex.sendResponseHeaders(200, body.length);
                OutputStream out = ex.getResponseBody();
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    LockSupport.parkNanos(200_000_000L);
                }
            } else if (path.startsWith("/big/")) {
                ex.getResponseHeaders().set("Content-Type", "image/png");
                ex.sendResponseHeaders(200, 0); // chunked: the size is only known by counting
                OutputStream out = ex.getResponseBody();
                out.write(SampleMedia.png("big", 2, 2), 0, 16);
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } else if (path.startsWith("/wrong/")) {
                send(ex, 200, "image/png", "<!doctype html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/redirect/")) {
                redirect(ex, "/img/" + path.substring("/redirect/".length()));
            } else if (path.startsWith("/redirect-private/")) {
                redirect(ex, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
            } else if (path.startsWith("/status/")) {
                send(ex, Integer.parseInt(path.substring("/status/".length())), "text/plain", new byte[0]);
            } else {
                send(ex, 404, "text/plain", "no such sample".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client hung up (size limit, deadline): expected for the hostile cases
        }
    }

    /** Holds the request unanswered while the condition holds and the server runs. */
    private void hangWhile(java.util.function.BooleanSupplier condition) {
        synchronized (faultChanged) {
            while (!closed && condition.getAsBoolean()) {
                try {
                    faultChanged.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String type(String path) {
        return path.endsWith(".jpg") ? "image/jpeg" : path.endsWith(".mp4") ? "video/mp4" : "image/png";
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        synchronized (faultChanged) {
            closed = true;
            faultChanged.notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
