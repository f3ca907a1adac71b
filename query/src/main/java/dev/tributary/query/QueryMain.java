package dev.tributary.query;

import java.util.concurrent.CountDownLatch;

/** Starts the query API: {@code bin/query [--port 8090] [--host 127.0.0.1] [--devices-index devices] ...}. */
public final class QueryMain {

    private QueryMain() {}

    public static void main(String[] args) throws Exception {
        QuerySettings settings;
        try {
            settings = QuerySettings.from(System.getenv(), args);
        } catch (IllegalArgumentException e) {
            System.err.println("query: " + e.getMessage());
            System.exit(2);
            return;
        }
        QueryServer server = QueryServer.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "query-shutdown"));
        System.out.println("Query API listening on http://" + settings.host() + ":" + server.port() + " (" + settings + ")");
        stopped.await();
    }
}
