package dev.tributary.tools.edge.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The edge console's settings, from the environment (bin/edge console reads .stack/env on the local stack), typed and
 * checked in one place: a bad value fails at start, naming the variable and what it takes.
 *
 * @param host          where the console listens (TRIBUTARY_EDGE_CONSOLE_HOST, 127.0.0.1)
 * @param port          its port (TRIBUTARY_EDGE_CONSOLE_PORT, 8092; 0 = a free port)
 * @param edgeId        this edge (TRIBUTARY_EDGE_ID, edge-1)
 * @param pgUrl         the edge's database, holding edge_assets (TRIBUTARY_EDGE_PG_URL, else TRIBUTARY_PG_URL)
 * @param pgUser        its user (TRIBUTARY_EDGE_PG_USER, else TRIBUTARY_PG_USER, tributary)
 * @param pgPassword    its password (TRIBUTARY_EDGE_PG_PASSWORD, else TRIBUTARY_PG_PASSWORD); never logged
 * @param kafkaBootstrap the edge's broker (TRIBUTARY_EDGE_KAFKA_BOOTSTRAP, 127.0.0.1:19093)
 * @param requestsTopic where requests go (TRIBUTARY_EDGE_REQUESTS_TOPIC, assets.requested)
 * @param heartbeatsTopic HQ's heartbeats as MirrorMaker 2 replicates them here (TRIBUTARY_EDGE_HEARTBEATS_TOPIC, hq.heartbeats)
 * @param linkDownAfter the link is DOWN when HQ's newest heartbeat is older than this (TRIBUTARY_EDGE_LINK_DOWN_AFTER_SECONDS, 15)
 * @param outbox        where delivered files are kept (TRIBUTARY_EDGE_OUTBOX, .stack/edge/<edgeId>/outbox)
 * @param publishEvery  how often REQUESTING rows are sent (TRIBUTARY_EDGE_PUBLISH_SECONDS, 1; 0 = another process
 *                      runs bin/edge publish)
 * @param syncEvery     how often delivered files are fetched from HQ's store (TRIBUTARY_EDGE_SYNC_SECONDS, 5; 0 = only
 *                      on demand)
 * @param dbTimeout     how long a request waits for a database connection before it is answered 503
 *                      (TRIBUTARY_EDGE_DB_TIMEOUT_SECONDS, 5)
 * @param s3Endpoint    HQ's object store, where HQ copies delivered files (TRIBUTARY_S3_ENDPOINT, BUCKET, ACCESS_KEY, SECRET_KEY)
 */
public record EdgeConsoleSettings(String host, int port, String edgeId, String pgUrl, String pgUser, String pgPassword,
                                  String kafkaBootstrap, String requestsTopic, String heartbeatsTopic,
                                  Duration linkDownAfter, Path outbox, Duration publishEvery, Duration syncEvery,
                                  Duration dbTimeout, String s3Endpoint, String s3Bucket, String s3AccessKey, String s3SecretKey) {

    /** Settings from {@code env}; throws naming every bad variable at once. */
    public static EdgeConsoleSettings fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String edgeId = value(env, "TRIBUTARY_EDGE_ID", "edge-1");
        if (!edgeId.matches("[A-Za-z0-9._-]{1,64}")) {
            problems.add("TRIBUTARY_EDGE_ID: '" + edgeId + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String pgUrl = value(env, "TRIBUTARY_EDGE_PG_URL", value(env, "TRIBUTARY_PG_URL", ""));
        if (!pgUrl.startsWith("jdbc:postgresql:") && !pgUrl.startsWith("jdbc:redshift:")) {
            problems.add("TRIBUTARY_EDGE_PG_URL (or TRIBUTARY_PG_URL): '" + pgUrl
                    + "' is not a jdbc:postgresql: URL (on the local stack: source .stack/env)");
        }
        int port = integer(env, "TRIBUTARY_EDGE_CONSOLE_PORT", 8092, 0, 65535, problems);
        int linkDown = integer(env, "TRIBUTARY_EDGE_LINK_DOWN_AFTER_SECONDS", 15, 2, 86_400, problems);
        int publish = integer(env, "TRIBUTARY_EDGE_PUBLISH_SECONDS", 1, 0, 3600, problems);
        int sync = integer(env, "TRIBUTARY_EDGE_SYNC_SECONDS", 5, 0, 3600, problems);
        int dbTimeout = integer(env, "TRIBUTARY_EDGE_DB_TIMEOUT_SECONDS", 5, 1, 300, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("edge console settings: " + String.join("; ", problems));
        }
        return new EdgeConsoleSettings(value(env, "TRIBUTARY_EDGE_CONSOLE_HOST", "127.0.0.1"), port, edgeId, pgUrl,
                value(env, "TRIBUTARY_EDGE_PG_USER", value(env, "TRIBUTARY_PG_USER", "tributary")),
                value(env, "TRIBUTARY_EDGE_PG_PASSWORD", value(env, "TRIBUTARY_PG_PASSWORD", "")),
                value(env, "TRIBUTARY_EDGE_KAFKA_BOOTSTRAP", "127.0.0.1:19093"),
                value(env, "TRIBUTARY_EDGE_REQUESTS_TOPIC", "assets.requested"),
                value(env, "TRIBUTARY_EDGE_HEARTBEATS_TOPIC", "hq.heartbeats"),
                Duration.ofSeconds(linkDown),
                Path.of(value(env, "TRIBUTARY_EDGE_OUTBOX", ".stack/edge/" + edgeId + "/outbox")),
                Duration.ofSeconds(publish), Duration.ofSeconds(sync), Duration.ofSeconds(dbTimeout),
                value(env, "TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"), value(env, "TRIBUTARY_S3_BUCKET", "tributary"),
                value(env, "TRIBUTARY_S3_ACCESS_KEY", ""), value(env, "TRIBUTARY_S3_SECRET_KEY", ""));
    }

    public EdgeConsoleSettings withPort(int newPort) {
        return new EdgeConsoleSettings(host, newPort, edgeId, pgUrl, pgUser, pgPassword, kafkaBootstrap, requestsTopic,
                heartbeatsTopic, linkDownAfter, outbox, publishEvery, syncEvery, dbTimeout, s3Endpoint, s3Bucket, s3AccessKey, s3SecretKey);
    }

    @Override
    public String toString() { // no secrets in logs
        return "EdgeConsoleSettings[" + host + ":" + port + ", edge " + edgeId + ", " + pgUrl + ", kafka " + kafkaBootstrap
                + ", outbox " + outbox + ", publish every " + publishEvery.toSeconds() + "s, sync every "
                + syncEvery.toSeconds() + "s]";
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max, List<String> problems) {
        String v = value(env, name, String.valueOf(fallback));
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                problems.add(name + ": " + n + " is outside " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(name + ": '" + v + "' is not a whole number");
            return fallback;
        }
    }
}
