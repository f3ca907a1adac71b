package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped dashboard is well formed and wired to the data source docker-compose provisions. That every metric
 * it queries is published by a running job is checked on the real cluster, in {@code UpgradeE2E}.
 */
class MonitoringDashboardTest {

    @Test
    void everyPanelQueriesTheProvisionedPrometheusAndEveryQueryReadsAFlinkMetric() throws IOException {
        JsonNode dashboard = MonitoringDashboard.json();
        assertThat(dashboard.path("uid").asText()).isEqualTo("tributary");
        String datasource = provisionedDatasourceUid();
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            titles.add(panel.path("title").asText());
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(datasource);
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(panel.path("title").asText())
                        .containsPattern("flink_[A-Za-z0-9_]+").contains("job_name=~\"$job\"");
            }
        }
        assertThat(titles).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(10);
        // the health rows of docs/operations.md's monitoring table each have their metric on the dashboard
        assertThat(MonitoringDashboard.metricNames()).contains(
                "flink_taskmanager_job_task_operator_endToEndLatencyMs", "flink_jobmanager_job_lastCheckpointDuration",
                "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
                "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
                "flink_taskmanager_job_task_operator_warehouse_table_rowsWritten",
                "flink_taskmanager_job_task_operator_search_docsSent", "flink_taskmanager_job_task_operator_bufferedReadings");
    }

    @Test
    void composeShipsPrometheusAndGrafanaWithTheDashboard() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        assertThat(services).containsKeys("prometheus", "grafana");
        assertThat(String.valueOf(services.get("grafana"))).contains("./monitoring/grafana/dashboards");
        assertThat(String.valueOf(services.get("prometheus"))).contains("./monitoring/prometheus.yml");
    }

    @SuppressWarnings("unchecked")
    private static String provisionedDatasourceUid() throws IOException {
        try (Reader r = Files.newBufferedReader(StackEnv.repoRoot().resolve("monitoring/grafana/provisioning/datasources/prometheus.yml"))) {
            Map<String, Object> file = new Yaml().load(r);
            return String.valueOf(((List<Map<String, Object>>) file.get("datasources")).get(0).get("uid"));
        }
    }

    private static Map<String, Object> compose() throws IOException {
        try (Reader r = Files.newBufferedReader(StackEnv.repoRoot().resolve("docker-compose.yml"))) {
            return new Yaml().load(r);
        }
    }
}
