package dev.tributary.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One in-process Flink cluster that every job of a benchmark runs on, as jobs run on a long-lived session
 * cluster in production.
 *
 * <p>Why not a local environment per job: each one starts its own MiniCluster, which loads the RPC system
 * (Pekko, Scala) afresh in its own class loader. The JIT then compiles all of that again, and on this 2-core
 * machine that took ~0.5 s of C2 compiler CPU per second for the whole benchmark, taken from whichever job was
 * being measured (and counted in its process CPU).
 */
final class BenchCluster implements AutoCloseable {

    private final MiniCluster cluster;
    private final Configuration conf;

    /** A cluster with one TaskManager of {@code slots} slots; {@code conf} is also each job's configuration. */
    BenchCluster(Configuration conf, int slots) throws Exception {
        this.conf = conf;
        Configuration clusterConf = new Configuration(conf);
        // any free port: beside bin/stack, whose session cluster holds 8081, the REST endpoint cannot take that
        clusterConf.set(RestOptions.BIND_PORT, "0");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    /** An environment to build one job in; run it with {@link #execute}. */
    StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** Runs the job built in {@code env} to its end. */
    void execute(StreamExecutionEnvironment env, String jobName) throws Exception {
        var graph = env.getStreamGraph();
        graph.setJobName(jobName);
        cluster.executeJobBlocking(graph.getJobGraph());
    }

    /** Submits the job built in {@code env}; the future completes when it ends. */
    java.util.concurrent.CompletableFuture<?> submit(StreamExecutionEnvironment env, String jobName) throws Exception {
        var graph = env.getStreamGraph();
        graph.setJobName(jobName);
        var jobGraph = graph.getJobGraph();
        cluster.submitJob(jobGraph).get();
        submitted = jobGraph.getJobID();
        return cluster.requestJobResult(submitted);
    }

    /** Cancels the job last {@link #submit submitted} and waits for its end. */
    void cancel(java.util.concurrent.CompletableFuture<?> job) throws Exception {
        if (!job.isDone()) {
            cluster.cancelJob(submitted).get();
            job.get();
        }
    }

    private org.apache.flink.api.common.JobID submitted;

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
