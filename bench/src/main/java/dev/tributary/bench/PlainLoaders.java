package dev.tributary.bench;

import dev.tributary.sinks.redshift.CopyText;
import dev.tributary.sinks.redshift.WarehouseColumn;
import dev.tributary.sinks.redshift.WarehouseTable;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The baselines the sink benchmarks compare against: what a hand-written loader does with the same rows and
 * documents, with no framework in between.
 */
final class PlainLoaders {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PlainLoaders() {}

    /** One search document: its id (needs no JSON escaping) and its JSON body. */
    record Document(String id, byte[] json) {}

    /**
     * {@code COPY <table> FROM STDIN} of the rows of records {@code 0..count-1} in one transaction, as
     * PostgreSQL's fastest bulk path (and Redshift's, from S3). Returns nanoseconds.
     */
    static <T> long copy(String url, String user, String password, WarehouseTable<T> table, long count,
                         LongFunction<T> record) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            String sql = "COPY " + table.name() + " (" + table.columns().stream().map(WarehouseColumn::name)
                    .collect(Collectors.joining(", ")) + ") FROM STDIN (FORMAT text)";
            try (Writer out = new BufferedWriter(new OutputStreamWriter(
                    new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, 65536), StandardCharsets.UTF_8), 65536)) {
                for (long i = 0; i < count; i++) {
                    CopyText.appendRow(out, table.rowOf(record.apply(i)));
                }
            }
            c.commit();
            return System.nanoTime() - start;
        }
    }

    /**
     * What a careful hand-written loader does to make a replay harmless: per batch of {@code batch} rows, {@code COPY}
     * into a temporary staging table, then {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} into the table (its
     * primary key decides), clear the staging table, commit. One connection, like {@link #copy}. Returns nanoseconds.
     */
    static <T> long copyThenUpsert(String url, String user, String password, WarehouseTable<T> table, long count,
                                   int batch, LongFunction<T> record) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            String columns = table.columns().stream().map(WarehouseColumn::name).collect(Collectors.joining(", "));
            s.execute("CREATE TEMP TABLE plain_stage (LIKE " + table.name() + ")");
            String copy = "COPY plain_stage (" + columns + ") FROM STDIN (FORMAT text)";
            for (long from = 0; from < count; from += batch) {
                try (Writer out = new BufferedWriter(new OutputStreamWriter(
                        new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, 65536), StandardCharsets.UTF_8), 65536)) {
                    for (long i = from; i < Math.min(count, from + batch); i++) {
                        CopyText.appendRow(out, table.rowOf(record.apply(i)));
                    }
                }
                s.executeUpdate("INSERT INTO " + table.name() + " (" + columns + ") SELECT " + columns
                        + " FROM plain_stage ON CONFLICT DO NOTHING");
                s.executeUpdate("TRUNCATE plain_stage");
                c.commit();
            }
            return System.nanoTime() - start;
        }
    }

    /**
     * Documents {@code 0..count-1} into {@code index} through {@code _bulk}: {@code writers} threads, each building
     * NDJSON batches of {@code batch} documents from its share and keeping {@code inFlight} requests open.
     * Returns nanoseconds.
     */
    static long bulk(String url, String index, long count, LongFunction<Document> document, int writers, int batch,
                     int inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long from = count * w / writers;
                long to = count * (w + 1) / writers;
                done.add(pool.submit(() -> {
                    writeRange(url, index, from, to, document, batch, inFlight);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdown();
        }
    }

    private static void writeRange(String url, String index, long from, long to, LongFunction<Document> document,
                                   int batch, int inFlightRequests) throws Exception {
        Semaphore inFlight = new Semaphore(inFlightRequests);
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        byte[] action = ("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] actionEnd = "\"}}\n".getBytes(StandardCharsets.UTF_8);
        for (long batchStart = from; batchStart < to; batchStart += batch) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(batch * 400);
            for (long i = batchStart; i < Math.min(to, batchStart + batch); i++) {
                Document d = document.apply(i);
                body.write(action);
                body.write(d.id().getBytes(StandardCharsets.UTF_8));
                body.write(actionEnd);
                body.write(d.json());
                body.write('\n');
            }
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/_bulk"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
            requests.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                inFlight.release();
                if (r.statusCode() != 200 || r.body().contains("\"errors\":true")) {
                    throw new IllegalStateException("bulk request failed: HTTP " + r.statusCode());
                }
            }));
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get();
    }
}
