package dev.tributary.pipeline;

import dev.tributary.pipeline.config.Arguments;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what can be checked: it parses, it
 * declares every server the docker job configuration points at, and it publishes the local stack's ports.
 */
class DockerComposeTest {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern HOST = Pattern.compile("^(?:[a-z][a-z0-9+.-]*://)?([A-Za-z0-9._-]+):(\\d+)");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        try (Reader reader = Files.newBufferedReader(StackEnv.repoRoot().resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            return (Map<String, Object>) compose.get("services");
        }
    }

    @Test
    void everyServerTheDockerJobConfigurationNamesIsAService() throws IOException {
        Path config = StackEnv.repoRoot().resolve("flink-conf/jobs/docker.properties");
        Map<String, String> values = Arguments.parse(new String[] {"--config", config.toString()}).values();
        // the file must also be a valid job configuration (with its ${env:...} secrets given some value)
        Map<String, String> environment = new java.util.HashMap<>();
        values.values().forEach(v -> ENV_REF.matcher(v).results().forEach(m -> environment.put(m.group(1), "secret")));
        JobSettings.parse(values, environment);

        Map<String, Object> services = services();
        int checked = 0;
        for (Map.Entry<String, String> e : values.entrySet()) {
            for (String part : e.getValue().split(",")) {
                Matcher m = HOST.matcher(part.trim());
                if (m.find()) {
                    assertThat(services).as("setting %s points at %s", e.getKey(), part).containsKey(m.group(1));
                    checked++;
                }
            }
        }
        assertThat(checked).as("servers named in docker.properties").isPositive();
    }

    @Test
    void theLocalStacksServersAndPortsAreDeclared() throws IOException {
        Map<String, Object> services = services();
        assertThat(services).containsKeys("kafka", "postgres", "elasticsearch", "kibana", "s3", "jobmanager",
                "taskmanager");
        assertPublishes(services, "kafka", port(StackEnv.kafkaBootstrap()));
        assertPublishes(services, "postgres", port(StackEnv.pgUrl().replace("jdbc:", "")));
        assertPublishes(services, "elasticsearch", port(StackEnv.esUrl()));
        assertPublishes(services, "s3", port(StackEnv.s3Endpoint()));
        assertPublishes(services, "jobmanager", port(StackEnv.flinkRest()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFlinkContainersMountTheJobJar() throws IOException {
        Map<String, Object> jobmanager = (Map<String, Object>) services().get("jobmanager");
        assertThat((List<String>) jobmanager.get("volumes"))
                .anySatisfy(v -> assertThat(v).startsWith("./pipeline/target/tributary-job.jar:"));
    }

    /**
     * The images run the versions bin/stack runs: the server versions of stack/pom.xml (the Elasticsearch runner's
     * version is the server's plus a fourth number), PostgreSQL 15 (bin/stack's Debian server), Flink of the root pom.
     */
    @Test
    void theImagesRunTheVersionsOfTheLocalStack() throws IOException {
        Map<String, Object> services = services();
        String stack = Files.readString(StackEnv.repoRoot().resolve("stack/pom.xml"));
        String root = Files.readString(StackEnv.repoRoot().resolve("pom.xml"));
        String kafka = property(stack, "kafka.version");
        String elasticsearch = property(stack, "elasticsearch.runner.version").replaceFirst("\\.\\d+$", "");
        assertThat(image(services, "kafka")).isEqualTo("apache/kafka:" + kafka);
        assertThat(image(services, "kafka-topics")).isEqualTo("apache/kafka:" + kafka);
        assertThat(image(services, "elasticsearch")).endsWith("/elasticsearch:" + elasticsearch);
        assertThat(image(services, "kibana")).endsWith("/kibana:" + elasticsearch);
        assertThat(image(services, "s3")).isEqualTo("andrewgaul/s3proxy:s3proxy-" + property(stack, "s3proxy.version"));
        assertThat(Files.readString(StackEnv.repoRoot().resolve("bin/stack"))).contains("/usr/lib/postgresql/15/bin");
        assertThat(image(services, "postgres")).isEqualTo("postgres:15");
        String compose = Files.readString(StackEnv.repoRoot().resolve("docker-compose.yml"));
        assertThat(compose).contains("image: flink:" + property(root, "flink.version") + "-java17")
                .doesNotContain("minio");
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("property %s", name).isTrue();
        return m.group(1).trim();
    }

    @SuppressWarnings("unchecked")
    private static String image(Map<String, Object> services, String service) {
        return String.valueOf(((Map<String, Object>) services.get(service)).get("image"));
    }

    @SuppressWarnings("unchecked")
    private static void assertPublishes(Map<String, Object> services, String service, int port) {
        List<Object> ports = (List<Object>) ((Map<String, Object>) services.get(service)).get("ports");
        assertThat(ports).as("ports of %s", service).anySatisfy(p -> assertThat(p.toString()).startsWith(port + ":"));
    }

    private static int port(String address) {
        String a = address.contains("://") ? address : "tcp://" + address;
        return URI.create(a.split(",")[0]).getPort();
    }
}
