package dev.tributary.pipeline.badinput;

import dev.tributary.samples.SampleMedia;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An asset server that misbehaves on purpose, on 127.0.0.1 (the only allow-listed host of the test): redirects
 * to internal addresses and to itself, a body without end, a body that trickles, HTML labelled as PNG, a JPEG
 * where a PNG was announced, gzip/deflate bombs, and valid PNGs under {@code /img/} for the good announcements.
 */
final class HostileAssetServer implements AutoCloseable {

    /** What a bomb inflates to; its compressed form is a few tens of kilobytes. */
    private static final int BOMB_INFLATED_BYTES = 64 * 1024 * 1024;
    /** Cap of the endless body, so a client that never hangs up cannot keep a server thread forever. */
    private static final long ENDLESS_CAP_BYTES = 1L << 30;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final byte[] gzipBomb = bomb(true);
    private final byte[] deflateBomb = bomb(false);

    private HostileAssetServer(HttpServer server) {
        this.server = server;
    }

    static HostileAssetServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        HostileAssetServer s = new HostileAssetServer(http);
        http.createContext("/", s::handle);
        http.setExecutor(s.executor);
        http.start();
        return s;
    }

    String base() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The bytes a good path serves. */
    static byte[] png(String path) {
        return SampleMedia.png(path, 32, 24);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.startsWith("/img/")) {
                send(ex, 200, "image/png", null, png(path));
            } else if (path.equals("/redirect")) {
                String query = ex.getRequestURI().getRawQuery();
                String to = URLDecoder.decode(query.substring("to=".length()), StandardCharsets.UTF_8);
                redirect(ex, to);
            } else if (path.equals("/redirect-long")) {
                redirect(ex, "/img/" + "a".repeat(3000) + ".png"); // longer than any URL the downloader follows
            } else if (path.equals("/loop")) {
                redirect(ex, "/loop");
            } else if (path.equals("/endless.png")) {
                endless(ex);
            } else if (path.equals("/forbidden-endless.png")) {
                endlessError(ex);
            } else if (path.equals("/trickle.png")) {
                trickle(ex);
            } else if (path.equals("/html.png")) {
                send(ex, 200, "image/png", null,
                        "<!doctype html><html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/jpeg-as-png.png")) {
                send(ex, 200, "image/png", null, SampleMedia.jpeg(path, 32, 24));
            } else if (path.equals("/gzip-bomb.png")) {
                send(ex, 200, "image/png", "gzip", gzipBomb);
            } else if (path.equals("/deflate-bomb.png")) {
                send(ex, 200, "image/png", "deflate", deflateBomb);
            } else {
                send(ex, 404, "text/plain", null, "not here".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException hungUp) {
            // the client cut the transfer (size limit, deadline): what the hostile cases expect
        }
    }

    private static void send(HttpExchange ex, int status, String type, String encoding, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (encoding != null) {
            ex.getResponseHeaders().set("Content-Encoding", encoding);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    /** A PNG header, then filler until the client hangs up (chunked: no length announced). */
    private static void endless(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "image/png");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(png("/img/endless"), 0, 16);
        byte[] chunk = new byte[64 * 1024];
        for (long sent = 0; sent < ENDLESS_CAP_BYTES; sent += chunk.length) {
            out.write(chunk);
        }
    }

    /** 403 with an error page that never ends: the client must stop reading it, not wait for its end. */
    private void endlessError(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/html");
        ex.sendResponseHeaders(403, 0);
        OutputStream out = ex.getResponseBody();
        byte[] chunk = "<p>forbidden</p>".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        try {
            while (sent < ENDLESS_CAP_BYTES) {
                out.write(chunk);
                sent += chunk.length;
            }
        } finally {
            errorBodyBytesSent = sent;
        }
    }

    /** Bytes of the endless error page written before the client hung up (or the cap), once it is over. */
    volatile long errorBodyBytesSent = -1;

    /** A valid PNG, one byte every 100 ms: far slower than any download deadline. */
    private static void trickle(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "image/png");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (byte b : png("/img/trickle")) {
            out.write(b);
            out.flush();
            try {
                TimeUnit.MILLISECONDS.sleep(100); // the server's pace is the case under test, not a wait of the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static byte[] bomb(boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < BOMB_INFLATED_BYTES / zeros.length; i++) {
                out.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
