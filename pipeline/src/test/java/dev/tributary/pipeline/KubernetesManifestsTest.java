package dev.tributary.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.tributary.pipeline.config.Arguments;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Kubernetes cluster runs here, so this checks what can be checked of deploy/kubernetes: the FlinkDeployment is
 * valid against the Flink Kubernetes Operator's own CRD schema (vendored, release 1.15.0), and the validation is real
 * (a wrong upgrade mode fails it); its cluster settings are flink-conf/config.yaml's; the job's properties parse with
 * the job's settings parser and keep secrets in the environment; image, jar path, config mount and ConfigMap agree.
 */
class KubernetesManifestsTest {

    private static final Path DEPLOY = StackEnv.repoRoot().resolve("deploy/kubernetes");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    /** The settings that make the job behave as tested; the rest of config.yaml is about the local machine. */
    private static final List<String> SHARED_PREFIXES = List.of("execution.checkpointing.", "restart-strategy.",
            "state.backend.", "pipeline.", "jobmanager.execution.failover-strategy", "metrics.reporter.prom.factory.class");

    @Test
    void theFlinkDeploymentIsValidAgainstTheOperatorsCrd() throws IOException {
        JsonSchema schema = crdSchema();
        Map<String, Object> deployment = yaml(DEPLOY.resolve("base/flinkdeployment.yaml"));

        assertThat(errors(schema, deployment)).isEmpty();

        Map<String, Object> spec = map(deployment.get("spec"));
        map(spec.get("job")).put("upgradeMode", "sometimes");
        spec.put("flinkVersion", "v2_9");
        assertThat(errors(schema, deployment)).as("the schema does check").hasSizeGreaterThanOrEqualTo(2)
                .anySatisfy(e -> assertThat(e).contains("upgradeMode")).anySatisfy(e -> assertThat(e).contains("flinkVersion"));
    }

    @Test
    void clusterSettingsAreTheLocalClusters() throws IOException {
        Map<String, Object> local = yaml(StackEnv.repoRoot().resolve("flink-conf/config.yaml"));
        Map<String, Object> k8s = map(map(yaml(DEPLOY.resolve("base/flinkdeployment.yaml")).get("spec")).get("flinkConfiguration"));
        int shared = 0;
        for (Map.Entry<String, Object> e : local.entrySet()) {
            if (SHARED_PREFIXES.stream().anyMatch(p -> e.getKey().startsWith(p))) {
                assertThat(k8s).as("flinkConfiguration has config.yaml's %s", e.getKey()).containsKey(e.getKey());
                assertThat(String.valueOf(k8s.get(e.getKey()))).as(e.getKey()).isEqualTo(String.valueOf(e.getValue()));
                shared++;
            }
        }
        assertThat(shared).isGreaterThan(15);
        assertThat(k8s).containsEntry("high-availability.type", "kubernetes")
                .containsKeys("high-availability.storageDir", "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir");
        assertThat(String.valueOf(k8s.get("execution.checkpointing.dir"))).startsWith("s3://");
    }

    @Test
    void theJobPropertiesAreAValidJobConfigurationWithSecretsFromTheEnvironment() {
        Path properties = DEPLOY.resolve("base/tributary.properties");
        Map<String, String> values = Arguments.parse(new String[] {"--config", properties.toString()}).values();
        Map<String, String> environment = new HashMap<>();
        values.values().forEach(v -> ENV_REF.matcher(v).results().forEach(m -> environment.put(m.group(1), "secret")));
        JobSettings.parse(values, environment);
        values.forEach((key, value) -> {
            if (key.contains("password") || key.contains("secret") || key.contains("access-key")) {
                assertThat(value).as("%s comes from the environment", key).matches(ENV_REF);
            }
        });
        assertThat(environment).containsKey("TRIBUTARY_PG_PASSWORD");
    }

    @Test
    void imageJarConfigMountAndConfigMapAgree() throws IOException {
        Map<String, Object> spec = map(yaml(DEPLOY.resolve("base/flinkdeployment.yaml")).get("spec"));
        Map<String, Object> job = map(spec.get("job"));
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        String jar = String.valueOf(job.get("jarURI")).replaceFirst("^local://", "");
        assertThat(dockerfile).contains("COPY --chown=flink:flink pipeline/target/tributary-job.jar " + jar);
        assertThat(StackEnv.repoRoot().resolve("pipeline/pom.xml")).content().contains("<finalName>tributary-job</finalName>");
        Matcher from = Pattern.compile("(?m)^FROM flink:(\\d+)\\.(\\d+)[.\\d]*-java17$").matcher(dockerfile);
        assertThat(from.find()).as("the official Flink image on Java 17").isTrue();
        assertThat(spec.get("flinkVersion")).isEqualTo("v" + from.group(1) + "_" + from.group(2));
        assertThat(dockerfile).contains("/opt/flink/plugins/s3-fs-hadoop");

        Map<String, Object> pod = map(map(spec.get("podTemplate")).get("spec"));
        Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
        Map<String, Object> mount = map(((List<?>) container.get("volumeMounts")).get(0));
        List<?> args = (List<?>) job.get("args");
        String configPath = String.valueOf(args.get(args.indexOf("--config") + 1));
        assertThat(configPath).isEqualTo(mount.get("mountPath") + "/tributary.properties");
        Map<String, Object> volume = map(((List<?>) pod.get("volumes")).get(0));
        assertThat(volume.get("name")).isEqualTo(mount.get("name"));
        Map<String, Object> kustomization = yaml(DEPLOY.resolve("base/kustomization.yaml"));
        Map<String, Object> generator = map(((List<?>) kustomization.get("configMapGenerator")).get(0));
        assertThat(map(volume.get("configMap")).get("name")).isEqualTo(generator.get("name"));
        assertThat(String.valueOf(generator.get("files"))).isEqualTo("[tributary.properties]");
        assertThat(map(kustomization.get("generatorOptions")).get("disableNameSuffixHash")).isEqualTo(true);
        assertThat(String.valueOf(container.get("envFrom"))).contains("tributary-secrets");
        assertThat(String.valueOf(container.get("ports"))).contains("9249");
    }

    /** The openAPIV3Schema of the CRD's v1beta1, as JSON Schema draft 4 (OpenAPI 3.0's schemas are its dialect). */
    private static JsonSchema crdSchema() throws IOException {
        Map<String, Object> crd = yaml(DEPLOY.resolve("vendor/flinkdeployments.flink.apache.org-v1.yml"));
        Map<String, Object> spec = map(crd.get("spec"));
        Map<String, Object> version = ((List<?>) spec.get("versions")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> "v1beta1".equals(v.get("name"))).findFirst().orElseThrow();
        Object openApi = map(version.get("schema")).get("openAPIV3Schema");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(JSON.valueToTree(openApi));
    }

    private static List<String> errors(JsonSchema schema, Map<String, Object> document) {
        return schema.validate(JSON.valueToTree(document)).stream().map(ValidationMessage::getMessage).toList();
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (var reader = Files.newBufferedReader(file)) {
            return map(new Yaml().load(reader));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
