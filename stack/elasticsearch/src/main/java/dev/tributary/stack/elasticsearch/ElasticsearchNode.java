package dev.tributary.stack.elasticsearch;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

/**
 * One Elasticsearch 7.10 node for the local stack, on fixed loopback ports.
 *
 * <p>The cluster runner's own main picks the next free port when the wanted one is taken, which would
 * silently move the server away from the URL in .stack/env; the ports are therefore put into the settings
 * explicitly, so a taken port fails the start instead. Data persists in the base path across restarts.
 *
 * <p>Usage: {@code ElasticsearchNode <base-path> <http-port> <transport-port> <cluster-name>}. Runs until
 * SIGTERM, then closes the node cleanly (flushes indices).
 */
public final class ElasticsearchNode {

    private ElasticsearchNode() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: ElasticsearchNode <base-path> <http-port> <transport-port> <cluster-name>");
            System.exit(2);
        }
        String basePath = args[0];
        String httpPort = args[1];
        String transportPort = args[2];
        String clusterName = args[3];

        ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (IOException e) {
                System.err.println("closing the node failed: " + e);
            } finally {
                closed.countDown();
            }
        }, "close-node"));

        runner.onBuild((number, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            // a shared dev disk is often above the 90 % watermark; indices must not turn read-only for that
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            settings.put("action.destructive_requires_name", "false");
        });
        runner.build(new ElasticsearchClusterRunner.Configs()
                .basePath(basePath)
                .numOfNode(1)
                .clusterName(clusterName)
                .printOnFailure());
        System.out.println("elasticsearch node started: http://127.0.0.1:" + httpPort);
        closed.await();
    }
}
