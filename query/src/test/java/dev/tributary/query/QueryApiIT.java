package dev.tributary.query;

import dev.tributary.testing.Browser;

import dev.tributary.sinks.redshift.WarehouseDialect;
import dev.tributary.sinks.redshift.WarehouseSchema;
import dev.tributary.sinks.search.IndexTemplates;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.DeadLetters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The query API against the stack's real PostgreSQL (fixture rows in a schema of this test, read through the
 * read-only role) and Elasticsearch (fixture documents in indices of this test).
 */
class QueryApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static final String SCHEMA = "query_it_" + SUFFIX;
    private static final String DEVICES = "devices-query-it-" + SUFFIX;
    private static final String CATALOG = "catalog-query-it-" + SUFFIX;
    private static final String UPLOAD_ID = "0123456789abcdef0123456789abcdef";
    private static final String DEAD_LETTERS = "dead-letter-query-it-" + SUFFIX;
    private static final String W1 = "2026-11-21T22:00:00Z/PT2M";
    private static final String W2 = "2026-11-21T22:02:00Z/PT2M";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static String schemaUrl;
    private static QueryServer server;

    @BeforeAll
    static void fixtures() throws Exception {
        String base = StackEnv.pgUrl();
        schemaUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        try (Connection c = admin(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
        try (Connection c = admin(schemaUrl)) {
            // the job's own schema, as its warehouse writers create and migrate it
            c.setAutoCommit(false);
            WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
            c.setAutoCommit(true);
        }
        try (Connection c = admin(schemaUrl); Statement s = c.createStatement()) {
            counts(c, W1, "kingdom", "Animalia", 3, "kingdom", "Plantae", 1, "source", "gbif", 3, "source", "obis", 1,
                    "species", "Vulpes vulpes", 3, "species", "Quercus robur", 1);
            counts(c, W2, "kingdom", "Animalia", 2, "kingdom", "Plantae", 5, "kingdom", "Fungi", 1,
                    "source", "gbif", 6, "source", "idigbio", 2, "species", "Quercus robur", 5);
            s.execute("INSERT INTO readings VALUES ('hb-1', 1, '2026-11-21 22:00:00', 90, 20, 10, 52.1, 5.1, NULL),"
                    + " ('hb-1', 3, '2026-11-21 22:00:20', 88, 21, 12, 52.2, 5.2, 'E42'),"
                    + " ('hb-1', 2, '2026-11-21 22:00:10', 89, 20, 11, 52.1, 5.1, NULL)");
            s.execute("INSERT INTO alerts VALUES ('hb-1/FAILURE_PATTERN/3', 'hb-1', 'FAILURE_PATTERN', 'WARNING',"
                    + " 'error E42 repeated', '2026-11-21 22:00:20', 3)");
            // lifecycles: a-1 delivered to e1, a-10 broadcast, a-3 failed to download (no catalog entry)
            s.execute("INSERT INTO asset_status (status_id, asset_id, state, at, request_id, edge_id, reason) VALUES"
                    + " ('a-1/ANNOUNCED/v1', 'a-1', 'ANNOUNCED', '2026-11-21 22:00:00', NULL, NULL, NULL),"
                    + " ('a-1/STORED/v1', 'a-1', 'STORED', '2026-11-21 22:00:05', NULL, NULL, NULL),"
                    + " ('a-1/BROADCAST/v1', 'a-1', 'BROADCAST', '2026-11-21 22:00:06', NULL, NULL, NULL),"
                    + " ('a-1/REQUESTED/r/r-1', 'a-1', 'REQUESTED', '2026-11-21 22:00:50', 'r-1', 'e1', NULL),"
                    + " ('a-1/DELIVERED/r/r-1', 'a-1', 'DELIVERED', '2026-11-21 22:01:00', 'r-1', 'e1', NULL),"
                    + " ('a-10/ANNOUNCED/v1', 'a-10', 'ANNOUNCED', '2026-11-21 22:00:01', NULL, NULL, NULL),"
                    + " ('a-10/STORED/v1', 'a-10', 'STORED', '2026-11-21 22:00:07', NULL, NULL, NULL),"
                    + " ('a-10/BROADCAST/v1', 'a-10', 'BROADCAST', '2026-11-21 22:00:08', NULL, NULL, NULL),"
                    + " ('a-3/ANNOUNCED/v1', 'a-3', 'ANNOUNCED', '2026-11-21 22:00:02', NULL, NULL, NULL),"
                    + " ('a-3/FAILED/v1', 'a-3', 'FAILED', '2026-11-21 22:00:09', NULL, NULL, 'TOO_LARGE: 12 MiB')");
            s.execute("INSERT INTO catalog_entries VALUES ('assets/sha256/ab12', 'tributary', 'image/jpeg', 'hq',"
                    + " 'Photo of a hoverboard', 1234, 'ab12', '2026-11-21 22:00:05', '2026-11-21 22:00:05', 1,"
                    + " '[{\"name\":\"STORE\",\"at\":\"2026-11-21T22:00:05Z\",\"job\":\"tributary\",\"operator\":\"assets-catalog-stored\",\"succeeded\":true,\"reason\":null}]',"
                    + " '{\"assetId\":\"a-1\",\"assetVersion\":\"1\",\"flow\":\"assets\",\"mediaType\":\"image\"}'),"
                    + " ('edges/e1/assets/a-1/photo.jpg', 'tributary', 'image/jpeg', 'hq', 'photo.jpg', 1234, 'ab12',"
                    + " '2026-11-21 22:01:00', '2026-11-21 22:01:00', 1,"
                    + " '[{\"name\":\"COPY_TO_EDGE\",\"at\":\"2026-11-21T22:01:00Z\",\"job\":\"tributary\",\"operator\":\"assets-catalog-copied\",\"succeeded\":true,\"reason\":null}]',"
                    + " '{\"assetId\":\"a-1\",\"edgeId\":\"e1\",\"flow\":\"assets\",\"requestId\":\"r-1\"}'),"
                    + " ('assets/sha256/cd34', 'tributary', 'video/mp4', 'hq', 'other', 99, 'cd34',"
                    + " '2026-11-21 22:00:07', '2026-11-21 22:00:07', 1, '[]',"
                    + " '{\"assetId\":\"a-10\",\"flow\":\"assets\"}')");
        }
        for (String template : List.of("devices", "catalog")) {
            es("PUT", "/_index_template/" + template, new String(IndexTemplates.load(template), StandardCharsets.UTF_8));
        }
        es("PUT", "/" + DEVICES + "/_doc/hb-1?refresh=true",
                "{\"deviceId\":\"hb-1\",\"sequence\":3,\"status\":\"FAULT\",\"batteryPercent\":88,\"alerts\":[\"FAILURE_PATTERN\"]}");
        es("PUT", "/" + DEVICES + "/_doc/hb%202?refresh=true", "{\"deviceId\":\"hb 2\",\"sequence\":7,\"status\":\"OK\"}");
        catalogDoc("tributary/assets/sha256/ab12", "Photo of a hoverboard", "image/jpeg", 1_000);
        catalogDoc("tributary/edges/e1/assets/a-1/photo.jpg", "photo.jpg", "image/jpeg", 2_000);
        catalogDoc("tributary/assets/sha256/cd34", "Video of a trip", "video/mp4", 3_000);
        catalogDoc("tributary/assets/sha256/ef56", "Photo of a fox", "image/png", 4_000);
        uploadedCatalogDoc();

        deadLetters();
        server = QueryServer.start(new QuerySettings("127.0.0.1", 0, schemaUrl,
                StackEnv.get("TRIBUTARY_PG_READER_USER", "tributary_reader"), readerPassword(), StackEnv.esUrl(),
                DEVICES, CATALOG, Duration.ofSeconds(10)).withKafka(StackEnv.kafkaBootstrap(), DEAD_LETTERS));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        es("DELETE", "/" + DEVICES + "," + CATALOG + "?ignore_unavailable=true", null);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", StackEnv.kafkaBootstrap()))) {
            admin.deleteTopics(List.of(DEAD_LETTERS)).all().get();
        }
        try (Connection c = admin(StackEnv.pgUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void countsByKingdomSumWindowsAndPage() throws Exception {
        JsonNode all = ok("/observations/counts?by=kingdom");
        assertThat(values(all.get("counts"), "value")).containsExactly("Plantae", "Animalia", "Fungi");
        assertThat(values(all.get("counts"), "observations")).containsExactly("6", "5", "1");
        assertThat(all.get("nextOffset").isNull()).isTrue();

        JsonNode range = ok("/observations/counts?by=kingdom&from=2026-11-21T22:02:00Z&to=2026-11-21T23:00:00Z");
        assertThat(values(range.get("counts"), "observations")).containsExactly("5", "2", "1");
        assertThat(range.get("from").asText()).isEqualTo("2026-11-21T22:02:00Z");

        JsonNode page = ok("/observations/counts?by=kingdom&limit=1&offset=1");
        assertThat(values(page.get("counts"), "value")).containsExactly("Animalia");
        assertThat(page.get("nextOffset").asInt()).isEqualTo(2);
        JsonNode last = ok("/observations/counts?by=kingdom&limit=2&offset=2");
        assertThat(values(last.get("counts"), "value")).containsExactly("Fungi");
        assertThat(last.get("nextOffset").isNull()).isTrue();

        assertThat(values(ok("/observations/counts?by=source").get("counts"), "value"))
                .containsExactly("gbif", "idigbio", "obis");
        assertThat(values(ok("/observations/counts?by=species").get("counts"), "observations"))
                .containsExactly("6", "3");
    }

    @Test
    void windowByIdInThePathOrTheQueryAndTheLatestWindows() throws Exception {
        JsonNode byPath = ok("/observations/windows/" + W2);
        JsonNode byQuery = ok("/observations/windows?id=" + enc(W2));
        assertThat(byQuery).isEqualTo(byPath);
        assertThat(byPath.get("windowStart").asText()).isEqualTo("2026-11-21T22:02:00Z");
        assertThat(byPath.get("windowEnd").asText()).isEqualTo("2026-11-21T22:04:00Z");
        assertThat(values(byPath.at("/counts/kingdom"), "value")).containsExactly("Plantae", "Animalia", "Fungi");
        assertThat(values(byPath.at("/counts/source"), "count")).containsExactly("6", "2");

        JsonNode latest = ok("/observations/windows?limit=1");
        assertThat(values(latest.get("windows"), "windowId")).containsExactly(W2);
        assertThat(values(latest.get("windows"), "observations")).containsExactly("8");
        assertThat(latest.get("nextOffset").asInt()).isEqualTo(1);

        assertThat(get("/observations/windows/2026-11-21T23:00:00Z/PT2M").status()).isEqualTo(404);
    }

    @Test
    void deviceStateFromTheIndexAndTheWarehouse() throws Exception {
        JsonNode hb1 = ok("/devices/hb-1");
        assertThat(hb1.at("/state/status").asText()).isEqualTo("FAULT");
        assertThat(hb1.at("/latestReading/seq").asLong()).isEqualTo(3);
        assertThat(hb1.at("/latestReading/errorCode").asText()).isEqualTo("E42");
        assertThat(hb1.at("/latestReading/eventTime").asText()).isEqualTo("2026-11-21T22:00:20Z");
        assertThat(values(hb1.get("recentAlerts"), "kind")).containsExactly("FAILURE_PATTERN");

        JsonNode spaced = ok("/devices/hb%202");
        assertThat(spaced.at("/state/sequence").asLong()).isEqualTo(7);
        assertThat(spaced.get("latestReading").isNull()).isTrue();

        assertThat(get("/devices/nope").status()).isEqualTo(404);
    }

    @Test
    void assetLifecycleFromItsCatalogEntries() throws Exception {
        JsonNode asset = ok("/assets/a-1");
        assertThat(values(asset.get("lifecycle"), "operation")).containsExactly("STORE", "COPY_TO_EDGE");
        assertThat(values(asset.get("lifecycle"), "edgeId")).containsExactly("null", "e1");
        assertThat(values(asset.get("catalogEntries"), "objectKey"))
                .containsExactly("assets/sha256/ab12", "edges/e1/assets/a-1/photo.jpg");
        assertThat(asset.at("/catalogEntries/0/attributes/mediaType").asText()).isEqualTo("image");

        // a-10's attributes contain the text "a-1" too; only the exact id counts
        assertThat(values(ok("/assets/a-10").get("catalogEntries"), "objectKey")).containsExactly("assets/sha256/cd34");
        assertThat(get("/assets/a-2").status()).isEqualTo(404);
    }

    @Test
    void catalogSearchPagesByOffsetAndByToken() throws Exception {
        // the standard analyzer keeps "photo.jpg" one token: words match words, a trailing * matches prefixes
        assertThat(values(ok("/catalog?q=photo").get("items"), "originalName"))
                .containsExactly("Photo of a fox", "Photo of a hoverboard");
        JsonNode photos = ok("/catalog?q=photo*");
        assertThat(photos.get("total").asLong()).isEqualTo(3);
        assertThat(values(photos.get("items"), "originalName"))
                .containsExactly("Photo of a fox", "photo.jpg", "Photo of a hoverboard");

        JsonNode first = ok("/catalog?q=photo*&limit=2");
        assertThat(values(first.get("items"), "originalName")).containsExactly("Photo of a fox", "photo.jpg");
        String token = first.get("next").asText();
        JsonNode second = ok("/catalog?q=photo*&limit=2&after=" + token);
        assertThat(values(second.get("items"), "originalName")).containsExactly("Photo of a hoverboard");
        assertThat(second.get("next").isNull()).isTrue();
        assertThat(values(ok("/catalog?q=photo*&limit=2&offset=2").get("items"), "originalName"))
                .containsExactly("Photo of a hoverboard");

        assertThat(values(ok("/catalog?contentType=video%2Fmp4").get("items"), "originalName"))
                .containsExactly("Video of a trip");
        assertThat(ok("/catalog").get("total").asLong()).isEqualTo(5);
    }

    @Test
    void uploadsAreFoundByTheirTagsDescriptionAndUploadId() throws Exception {
        // what the lake door's uploader said, as the lake flow catalogues it (LakeDoorIT covers the way there)
        assertThat(values(ok("/catalog?tags=river").get("items"), "originalName")).containsExactly("counts.csv");
        assertThat(values(ok("/catalog?q=bridge").get("items"), "originalName")).containsExactly("counts.csv");
        assertThat(values(ok("/catalog?q=" + UPLOAD_ID).get("items"), "originalName")).containsExactly("counts.csv");
        assertThat(values(ok("/catalog?owner=field-team").get("items"), "originalName")).containsExactly("counts.csv");
        assertThat(ok("/catalog?tags=riv").get("total").asLong()).as("a tag matches whole").isZero();
    }

    @Test
    void recentAlertsAcrossDevicesBySeverity() throws Exception {
        JsonNode all = ok("/alerts");
        assertThat(all.path("alerts")).hasSize(1);
        assertThat(all.at("/alerts/0/alertId").asText()).isEqualTo("hb-1/FAILURE_PATTERN/3");
        assertThat(all.at("/alerts/0/deviceId").asText()).isEqualTo("hb-1");
        assertThat(ok("/alerts?severity=WARNING&kind=FAILURE_PATTERN").path("alerts")).hasSize(1);
        assertThat(ok("/alerts?severity=CRITICAL").path("alerts")).isEmpty();
        assertBadRequest("/alerts?severity=LOUD", "severity");
        assertBadRequest("/alerts?kind=x'%20OR%201=1", "kind");
    }

    /**
     * The HQ console in a real browser (Debian's headless Chromium driven by Selenium): the chart of observations per
     * kingdom over the latest windows and the alert list show what the fixtures hold. A screenshot goes to
     * {@code target/screenshots/hq-console.png}.
     */
    @Test
    void theHqConsoleShowsTheCountsChartAndTheAlertsInABrowser() throws Exception {
        WebDriver browser = Browser.headless();
        try {
            browser.get("http://127.0.0.1:" + server.port() + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(d -> d.findElements(By.cssSelector("#counts-chart rect.bar")).size() == 3);
            List<String> bars = browser.findElements(By.cssSelector("#counts-chart rect.bar")).stream()
                    .map(bar -> bar.getDomAttribute("data-kingdom") + "=" + bar.getDomAttribute("data-observations")).toList();
            // both fixture windows summed, most observed first
            assertThat(bars).containsExactly("Plantae=6", "Animalia=5", "Fungi=1");
            int plantae = Integer.parseInt(browser.findElement(By.cssSelector("rect[data-kingdom='Plantae']")).getDomAttribute("width"));
            int fungi = Integer.parseInt(browser.findElement(By.cssSelector("rect[data-kingdom='Fungi']")).getDomAttribute("width"));
            assertThat(plantae).as("bars scale with the counts").isGreaterThan(5 * fungi);
            assertThat(browser.findElement(By.id("counts-range")).getText()).contains("2 windows", "2026-11-21T22:00:00Z");

            wait.until(d -> !d.findElements(By.cssSelector("#alerts tbody tr")).isEmpty());
            WebElement alert = browser.findElement(By.cssSelector("#alerts tbody tr"));
            assertThat(alert.getDomAttribute("data-alert-id")).isEqualTo("hb-1/FAILURE_PATTERN/3");
            assertThat(alert.getText()).contains("hb-1", "FAILURE_PATTERN", "WARNING", "error E42 repeated");
            wait.until(d -> d.findElements(By.cssSelector("#asset-states [data-state]")).size() == 3);
            assertThat(browser.findElements(By.cssSelector("#asset-states [data-state]")).stream()
                    .map(e -> e.getDomAttribute("data-state") + "=" + e.getDomAttribute("data-assets")).toList())
                    .containsExactly("BROADCAST=1", "DELIVERED=1", "FAILED=1");
            assertThat(browser.findElement(By.cssSelector("#assets tbody tr")).getText()).contains("a-1", "DELIVERED");
            wait.until(d -> d.findElements(By.cssSelector("#dead-letters tbody tr")).size() == 3);
            assertThat(browser.findElement(By.cssSelector("#dead-letters tbody tr")).getText())
                    .contains("EVENT_TIME_AHEAD", "eventTime is 1 day ahead of the clock", "telemetry.hoverboard", "43");
            assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
            Browser.screenshot(browser, "hq-console.png");
        } finally {
            browser.quit();
        }
    }

    @Test
    void assetsByStateAndEachAssetsTransitions() throws Exception {
        JsonNode all = ok("/assets");
        assertThat(all.path("byState").toString()).isEqualTo("{\"BROADCAST\":1,\"DELIVERED\":1,\"FAILED\":1}");
        assertThat(all.path("assets")).extracting(a -> a.path("assetId").asText()).containsExactly("a-1", "a-3", "a-10");
        JsonNode failed = ok("/assets?state=FAILED").path("assets");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).path("reason").asText()).isEqualTo("TOO_LARGE: 12 MiB");
        JsonNode a1 = ok("/assets/a-1");
        assertThat(a1.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(a1.path("transitions")).extracting(t -> t.path("state").asText())
                .containsExactly("ANNOUNCED", "STORED", "BROADCAST", "REQUESTED", "DELIVERED");
        assertThat(ok("/assets/a-3").path("state").asText()).as("no object, still an asset").isEqualTo("FAILED");
        assertBadRequest("/assets?state=LOST", "state");
    }

    @Test
    void theNewestDeadLettersWithTheirReasonsAndSourceOffsets() throws Exception {
        JsonNode letters = ok("/dead-letters").path("deadLetters");
        assertThat(letters).hasSize(3);
        assertThat(letters.get(0).path("reasonCode").asText()).as("newest first").isEqualTo("EVENT_TIME_AHEAD");
        assertThat(letters.get(2).path("reasonCode").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(letters.get(2).path("sourceTopic").asText()).isEqualTo("telemetry.hoverboard");
        assertThat(letters.get(2).path("sourceOffset").asLong()).isEqualTo(41);
        assertThat(letters.get(2).has("payload")).as("payloads stay out of the answer").isFalse();
        assertThat(letters.get(2).path("payloadSha256").asText()).hasSize(64);
        assertThat(ok("/dead-letters?reasonCode=MISSING_FIELD&limit=5").path("deadLetters")).hasSize(1);
        assertThat(ok("/dead-letters?limit=1").path("deadLetters")).hasSize(1);
        assertBadRequest("/dead-letters?reasonCode=x'", "reasonCode");
    }

    /** Three dead letters on a topic of this test (2 partitions), as the job writes them (Avro single-object). */
    private static void deadLetters() throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", StackEnv.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(DEAD_LETTERS, 2, (short) 1))).all().get();
        }
        // in transactions, one record each, as the job's exactly-once sink commits: the topic's last offsets are
        // commit markers, which a reader of the newest records must look past
        Map<String, Object> props = Map.of("bootstrap.servers", StackEnv.kafkaBootstrap(), "transactional.id", "query-it-" + SUFFIX);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            long t = System.currentTimeMillis() - 60_000;
            String[][] letters = {{"MALFORMED_JSON", "malformed JSON at line 1", "41"}, {"MISSING_FIELD", "seq is required", "42"},
                    {"EVENT_TIME_AHEAD", "eventTime is 1 day ahead of the clock", "43"}};
            for (int i = 0; i < letters.length; i++) {
                DeadLetter letter = DeadLetters.of("telemetry", "hoverboard-reading-source", letters[i][0], letters[i][1],
                        DeadLetters.Source.kafka("telemetry.hoverboard", 1, Long.parseLong(letters[i][2]), t,
                                "hb-1".getBytes(StandardCharsets.UTF_8)), ("{\"deviceId\": " + i).getBytes(StandardCharsets.UTF_8));
                java.nio.ByteBuffer encoded = DeadLetter.getEncoder().encode(letter);
                byte[] value = new byte[encoded.remaining()];
                encoded.get(value);
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(DEAD_LETTERS, i % 2, t + i * 1000L, null, value)).get();
                producer.commitTransaction();
            }
        }
    }

    @Test
    void invalidParametersAreRefusedWithTheirName() throws Exception {
        assertBadRequest("/observations/counts?by=genus", "'by'");
        assertBadRequest("/observations/counts", "'by'");
        assertBadRequest("/observations/counts?by=kingdom&limit=0", "'limit'");
        assertBadRequest("/observations/counts?by=kingdom&limit=101", "'limit'");
        assertBadRequest("/observations/counts?by=kingdom&offset=-1", "'offset'");
        assertBadRequest("/observations/counts?by=kingdom&from=yesterday", "'from'");
        assertBadRequest("/observations/counts?by=kingdom&from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", "'to'");
        assertBadRequest("/observations/counts?by=kingdom&limt=5", "'limt'");
        assertBadRequest("/observations/counts?by=kingdom&by=source", "'by'");
        assertBadRequest("/observations/windows/not-a-window", "'windowId'");
        assertBadRequest("/observations/windows?id=2026-11-21T22:00:00Z", "'id'");
        assertBadRequest("/catalog?after=bm90LWEtdG9rZW4", "'after'");
        assertBadRequest("/catalog?offset=9990&limit=20", "'offset'");
        assertBadRequest("/catalog?q=x&offset=2&after=" + ok("/catalog?limit=1").get("next").asText(), "'after'");
        assertBadRequest("/devices/a%01b", "'deviceId'");
        assertThat(get("/nothing-here").status()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri("/catalog"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void injectionAttemptsAreRefusedOrHarmless() throws Exception {
        assertBadRequest("/observations/counts?by=" + enc("kingdom' OR '1'='1"), "'by'");
        assertBadRequest("/observations/windows?id=" + enc("x' OR '1'='1"), "'id'");
        assertBadRequest("/observations/counts?by=kingdom&from=" + enc("2026-01-01T00:00:00Z'; DROP TABLE readings; --"),
                "'from'");
        assertThat(get("/devices/" + enc("hb-1' OR '1'='1")).status()).isEqualTo(404);
        assertThat(get("/devices/" + enc("hb-1'; DROP TABLE readings; --")).status()).isEqualTo(404);
        assertThat(get("/assets/" + enc("%")).status()).isEqualTo(404);
        assertThat(get("/assets/" + enc("a-1\",\"x\":\"")).status()).isEqualTo(404);
        // JSON and query-syntax characters stay text inside the search request
        assertThat(ok("/catalog?q=" + enc("\"}},\"size\":10000,\"x\":{{")).get("total").asLong()).isZero();
        assertThat(ok("/catalog?owner=" + enc("hq\"}},{\"match_all\":{")).get("total").asLong()).isZero();
        // the tables are still there and intact
        assertThat(ok("/devices/hb-1").at("/latestReading/seq").asLong()).isEqualTo(3);
    }

    @Test
    void theServiceRoleCannotWrite() {
        assertThatThrownBy(() -> {
            try (Connection c = DriverManager.getConnection(schemaUrl,
                    StackEnv.get("TRIBUTARY_PG_READER_USER", "tributary_reader"), readerPassword());
                 Statement s = c.createStatement()) {
                s.execute("SET default_transaction_read_only = off");
                s.execute("DELETE FROM readings");
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
    }

    @Test
    void unreachableServersAnswer503WithoutDetails() throws Exception {
        // nothing listens on port 9 (discard) here; the wrong password is refused by the real server
        try (QueryServer broken = QueryServer.start(new QuerySettings("127.0.0.1", 0, schemaUrl,
                StackEnv.get("TRIBUTARY_PG_READER_USER", "tributary_reader"), "wrong-password", "http://127.0.0.1:9",
                DEVICES, CATALOG, Duration.ofSeconds(5)))) {
            for (String path : List.of("/observations/counts?by=kingdom", "/catalog?q=photo")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + broken.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(503);
                assertThat(JSON.readTree(r.body()).get("error").asText()).doesNotContain("password");
            }
        }
    }

    @Test
    void aSearchServerThatNeverAnswersIsA504AfterTheTimeout() throws Exception {
        // the kernel accepts connections into the backlog, but nobody ever reads or answers them
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             QueryServer slow = QueryServer.start(new QuerySettings("127.0.0.1", 0, schemaUrl,
                     StackEnv.get("TRIBUTARY_PG_READER_USER", "tributary_reader"), readerPassword(),
                     "http://127.0.0.1:" + silent.getLocalPort(), DEVICES, CATALOG, Duration.ofSeconds(1)))) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + slow.port() + "/catalog?q=photo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("did not answer within 1 s");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Answer(int status, JsonNode body) {}

    private static Answer get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static JsonNode ok(String pathAndQuery) throws Exception {
        Answer a = get(pathAndQuery);
        assertThat(a.status()).as("%s -> %s", pathAndQuery, a.body()).isEqualTo(200);
        return a.body();
    }

    private static void assertBadRequest(String pathAndQuery, String parameter) throws Exception {
        Answer a = get(pathAndQuery);
        assertThat(a.status()).as("%s -> %s", pathAndQuery, a.body()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).contains(parameter);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static List<String> values(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).isNull() || n.path(field).isMissingNode() ? "null" : n.get(field).asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String readerPassword() {
        String pw = StackEnv.get("TRIBUTARY_PG_READER_PASSWORD", "");
        if (pw.isEmpty()) {
            throw new IllegalStateException("TRIBUTARY_PG_READER_PASSWORD is not set: `bin/stack up` creates the "
                    + "read-only role and writes it to .stack/env");
        }
        return pw;
    }

    private static Connection admin(String url) throws SQLException {
        return DriverManager.getConnection(url, StackEnv.pgUser(), StackEnv.pgPassword());
    }


    private static void counts(Connection c, String windowId, Object... dimensionValueCount) throws SQLException {
        Instant start = Instant.parse(windowId.substring(0, windowId.indexOf('/')));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO observation_counts VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < dimensionValueCount.length; i += 3) {
                ps.setString(1, windowId);
                ps.setTimestamp(2, Timestamp.valueOf(start.atOffset(ZoneOffset.UTC).toLocalDateTime()));
                ps.setTimestamp(3, Timestamp.valueOf(start.plusSeconds(120).atOffset(ZoneOffset.UTC).toLocalDateTime()));
                ps.setString(4, (String) dimensionValueCount[i]);
                ps.setString(5, (String) dimensionValueCount[i + 1]);
                ps.setLong(6, ((Integer) dimensionValueCount[i + 2]).longValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A file uploaded through the lake door, as the lake flow catalogues it (the sink's own document). */
    private static void uploadedCatalogDoc() throws Exception {
        java.time.Instant at = java.time.Instant.ofEpochMilli(500);
        dev.tributary.events.CatalogEntry entry = dev.tributary.events.CatalogEntry.newBuilder()
                .setObjectKey("objects/sha256/" + "9".repeat(64)).setContainer("s3://tributary/raw").setContentType("text/csv")
                .setOwner("field-team").setOriginalName("counts.csv").setSizeBytes(144L).setSha256("9".repeat(64))
                .setCreatedAt(at).setModifiedAt(at).setVersion(1)
                .setAttributes(java.util.Map.of("uploadId", UPLOAD_ID, "tags", "river,north", "description",
                        "Counts at the north bridge", "zone", "raw"))
                .build();
        dev.tributary.sinks.search.SearchAction action = dev.tributary.sinks.search.CatalogDocuments.toAction(CATALOG, entry);
        es("PUT", "/" + CATALOG + "/_doc/" + enc(action.id()) + "?refresh=true", new String(action.source(), StandardCharsets.UTF_8));
    }

    private static void catalogDoc(String objectId, String originalName, String contentType, long modifiedAt)
            throws Exception {
        String doc = JSON.createObjectNode().put("objectId", objectId).put("container", "tributary")
                .put("key", objectId.substring("tributary/".length())).put("flow", "assets")
                .put("contentType", contentType).put("owner", "hq").put("originalName", originalName)
                .put("createdAt", modifiedAt).put("modifiedAt", modifiedAt).put("version", 1).toString();
        es("PUT", "/" + CATALOG + "/_doc/" + enc(objectId) + "?refresh=true", doc);
    }

    private static void es(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(StackEnv.esUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
    }
}
