package dev.tributary.stack.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Readiness probe and topic provisioning for the local broker, in one JVM start: asks the broker for its
 * cluster metadata (proves the broker answers requests, not only that its port is open), then creates every
 * topic of the topics file that does not exist yet. Idempotent, so bin/stack runs it on every `up`.
 *
 * <p>Usage: {@code KafkaTopics <bootstrap> <topics-file>}; topics file lines are {@code name partitions},
 * blank lines and {@code #} comments ignored. Exit code 0 when every topic exists afterwards.
 *
 * <p>When {@code TRIBUTARY_KAFKA_SASL_USER} and {@code TRIBUTARY_KAFKA_SASL_PASSWORD} are set (bin/stack exports
 * them for HQ's broker only), the SCRAM-SHA-512 credential of that user is upserted too, so the broker's SASL_SSL
 * listener accepts it. The password comes from the environment, never from the command line.
 */
public final class KafkaTopics {

    /** Single-node broker: every topic has one replica. */
    private static final short REPLICATION_FACTOR = 1;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private KafkaTopics() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaTopics <bootstrap> <topics-file>");
            System.exit(2);
        }
        Map<String, Integer> wanted = readTopics(Path.of(args[1]));
        try (Admin admin = Admin.create(adminConfig(args[0]))) {
            String clusterId = admin.describeCluster().clusterId().get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Set<String> existing = admin.listTopics().names().get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            wanted.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, REPLICATION_FACTOR));
                }
            });
            createAll(admin, missing);
            upsertScramUser(admin, System.getenv("TRIBUTARY_KAFKA_SASL_USER"), System.getenv("TRIBUTARY_KAFKA_SASL_PASSWORD"));
            System.out.printf("kafka cluster %s: %d topics wanted, %d created%n", clusterId, wanted.size(), missing.size());
        }
    }

    private static Properties adminConfig(String bootstrap) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-stack-topics");
        return config;
    }

    private static void createAll(Admin admin, List<NewTopic> topics) throws InterruptedException, ExecutionException {
        if (topics.isEmpty()) {
            return;
        }
        for (var result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get();
            } catch (ExecutionException e) {
                // a concurrent `up` may have created it between list and create: that is the wanted end state
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static void upsertScramUser(Admin admin, String user, String password) throws Exception {
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            return;
        }
        // 8192 iterations: SCRAM-SHA-512's usual count (4096 is the minimum the broker accepts)
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                .all().get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        System.out.printf("kafka SCRAM-SHA-512 user %s upserted%n", user);
    }

    static Map<String, Integer> readTopics(Path file) throws java.io.IOException {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(file + ": expected 'name partitions', got: " + raw);
            }
            topics.put(fields[0], Integer.parseInt(fields[1]));
        }
        return topics;
    }
}
