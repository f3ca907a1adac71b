package dev.tributary.operators.observations;

import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The search documents of the observations flow (index templates {@code observations} and
 * {@code observation-counts}), with their deterministic ids, so a replay overwrites a document instead of adding
 * one. The flow wraps these in the search sink's document mappers.
 */
public final class ObservationDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ObservationDocuments() {}

    /** One document per occurrence: the dedupe key is the occurrence id, so is the document id. */
    public static String observationId(Observation o) {
        return o.getOccurrenceId();
    }

    public static byte[] observation(Observation o) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("occurrenceId", o.getOccurrenceId());
        doc.put("source", o.getSource());
        doc.put("kingdom", o.getKingdom());
        doc.put("scientificName", o.getScientificName());
        doc.put("species", ObservationDimensions.speciesOf(o));
        doc.put("eventTime", o.getEventTime().toString());
        if (o.getLatitude() != null && o.getLongitude() != null) {
            doc.putObject("location").put("lat", o.getLatitude()).put("lon", o.getLongitude());
        }
        if (o.getCountryCode() != null) {
            doc.put("countryCode", o.getCountryCode());
        }
        if (o.getBasisOfRecord() != null) {
            doc.put("basisOfRecord", o.getBasisOfRecord());
        }
        return bytes(doc);
    }

    /** {@code <windowId>/<dimension>/<value>}, e.g. {@code 2026-11-21T22:00:00Z/PT2M/kingdom/Plantae}. */
    public static String countId(ObservationCount c) {
        return c.getWindowId() + "/" + c.getDimension() + "/" + c.getValue();
    }

    /**
     * A window count; the value is also under the dimension's own field ({@code kingdom}, {@code species} or
     * {@code source}), so a dashboard can aggregate one dimension without filtering on {@code dimension}.
     */
    public static byte[] count(ObservationCount c) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("windowId", c.getWindowId());
        doc.put("windowStart", c.getWindowStart().toString());
        doc.put("windowEnd", c.getWindowEnd().toString());
        doc.put("dimension", c.getDimension());
        doc.put("value", c.getValue());
        doc.put(c.getDimension(), c.getValue());
        doc.put("count", c.getCount());
        return bytes(doc);
    }

    private static byte[] bytes(ObjectNode doc) {
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a search document", e);
        }
    }
}
