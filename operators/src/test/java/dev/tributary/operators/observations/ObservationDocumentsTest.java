package dev.tributary.operators.observations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

class ObservationDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCountDocumentIsIdentifiedByWindowDimensionAndValue() throws Exception {
        ObservationCount c = ObservationCount.newBuilder().setWindowId(WindowIds.of(0, 120_000))
                .setWindowStart(Instant.EPOCH).setWindowEnd(Instant.ofEpochMilli(120_000))
                .setDimension("kingdom").setValue("Plantae").setCount(7).build();

        assertThat(ObservationDocuments.countId(c)).isEqualTo("1970-01-01T00:00:00Z/PT2M/kingdom/Plantae");
        JsonNode doc = JSON.readTree(ObservationDocuments.count(c));
        assertThat(doc.path("windowId").asText()).isEqualTo("1970-01-01T00:00:00Z/PT2M");
        assertThat(doc.path("windowStart").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(doc.path("windowEnd").asText()).isEqualTo("1970-01-01T00:02:00Z");
        assertThat(doc.path("dimension").asText()).isEqualTo("kingdom");
        assertThat(doc.path("value").asText()).isEqualTo("Plantae");
        assertThat(doc.path("kingdom").asText()).as("the value under its dimension's own field").isEqualTo("Plantae");
        assertThat(doc.path("count").asLong()).isEqualTo(7);
    }

    @Test
    void anObservationDocumentIsIdentifiedByItsOccurrenceIdAndHasAGeoPoint() throws Exception {
        Observation o = Observation.newBuilder().setOccurrenceId("urn:catalog:X:1").setSource("obis")
                .setKingdom("Animalia").setScientificName("Delphinus delphis L.").setSpecies(null)
                .setEventTime(Instant.parse("2026-11-21T10:00:00Z")).setLatitude(52.1).setLongitude(4.3)
                .setCountryCode("NL").build();

        assertThat(ObservationDocuments.observationId(o)).isEqualTo("urn:catalog:X:1");
        JsonNode doc = JSON.readTree(ObservationDocuments.observation(o));
        assertThat(doc.path("species").asText()).as("falls back to the scientific name").isEqualTo("Delphinus delphis L.");
        assertThat(doc.path("location").path("lat").asDouble()).isEqualTo(52.1);
        assertThat(doc.path("location").path("lon").asDouble()).isEqualTo(4.3);
        assertThat(doc.path("eventTime").asText()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(doc.has("basisOfRecord")).isFalse();
    }

    @Test
    void windowIdsNameStartAndSize() {
        assertThat(WindowIds.of(Instant.parse("2026-11-21T22:04:00Z").toEpochMilli(),
                Instant.parse("2026-11-21T22:06:00Z").toEpochMilli())).isEqualTo("2026-11-21T22:04:00Z/PT2M");
        assertThat(WindowIds.of(0, 30_000)).isEqualTo("1970-01-01T00:00:00Z/PT30S");
    }
}
