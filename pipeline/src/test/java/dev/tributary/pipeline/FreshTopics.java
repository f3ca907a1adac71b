package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh set of every topic the job reads and writes, so each test run has its own and counts are exact.
 * {@link #settings()} points the job at them.
 */
public record FreshTopics(String hoverboard, String customer, String trip, String announced, String requested,
                          String observations, String validated, String deadLetter, String alerts) {

    public static FreshTopics create(int partitions) throws Exception {
        List<String> t = KafkaTestSupport.createTopics(partitions, "hoverboard", "customer", "trip", "announced",
                "requested", "observations", "validated", "dead-letter", "alerts");
        return new FreshTopics(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), t.get(5), t.get(6), t.get(7),
                t.get(8));
    }

    /** Job settings for these topics, reading from the earliest offset, with transactional ids of their own. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap-servers", StackEnv.kafkaBootstrap());
        s.put("kafka.starting-offsets", "earliest");
        s.put("kafka.transactional-id-prefix", "test-" + hoverboard);
        s.put("topics.telemetry-hoverboard", hoverboard);
        s.put("topics.telemetry-customer", customer);
        s.put("topics.telemetry-trip", trip);
        s.put("topics.assets-announced", announced);
        s.put("topics.assets-requested", requested);
        s.put("topics.observations", observations);
        s.put("topics.validated", validated);
        s.put("topics.dead-letter", deadLetter);
        s.put("topics.alerts", alerts);
        return s;
    }

    /** The same settings as {@code --key value} job arguments. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        settings().forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }
}
