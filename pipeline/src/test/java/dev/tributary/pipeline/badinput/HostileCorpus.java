package dev.tributary.pipeline.badinput;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.testing.Samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The hostile-input corpus ({@code bad-input/corpus.tsv}): each case's source, expected outcome and payload
 * bytes. The file's header says the format; this class turns a payload spec into the bytes a producer sends.
 */
public final class HostileCorpus {

    /** The decode limit the corpus is written against ({@code decode.max-payload} of the job under test). */
    public static final int MAX_PAYLOAD_BYTES = 400 * 1024;
    public static final String RESOURCE = "/bad-input/corpus.tsv";

    /** Sources that are Kafka topics of an event type, by the corpus's name for them. */
    public static final Map<String, Class<? extends SpecificRecordBase>> TOPIC_TYPES = Map.of(
            "hoverboard-reading", HoverboardReading.class,
            "customer", Customer.class,
            "trip", Trip.class,
            "observation", Observation.class,
            "asset-announced", AssetAnnounced.class,
            "asset-request", AssetRequest.class);
    public static final String ASSET_URL = "asset-url";
    public static final String LANDING = "landing";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a case must end in. */
    public enum Outcome { DEAD_LETTER, FAILED_ASSET, ACCEPTED }

    /**
     * One line of the corpus.
     *
     * @param reason the dead-letter reason code or the asset's failure reason; null when accepted
     */
    public record Case(String id, String source, Outcome outcome, String reason, String payload) {

        public boolean isKafka() {
            return TOPIC_TYPES.containsKey(source);
        }

        public Class<? extends SpecificRecordBase> type() {
            return TOPIC_TYPES.get(source);
        }

        /** The bytes of a topic or landing case. */
        public byte[] bytes() {
            return HostileCorpus.bytes(this);
        }

        /**
         * The Kafka key a rejected topic case is sent with: its id, or for a {@code hugekey:} case a key of
         * {@value #HUGE_KEY_BYTES} bytes (that key still fits Kafka's default 1 MB record with the payload).
         */
        public String key() {
            return payload.startsWith(HUGE_KEY) ? id + "-" + "k".repeat(HUGE_KEY_BYTES - id.length() - 1) : id;
        }

        /** The URL of an asset-url case on the given server base ({@code http://127.0.0.1:<port>}). */
        public String url(String serverBase, int port) {
            if (!payload.startsWith("url:")) {
                throw new IllegalStateException(id + ": an asset-url case needs a url: payload");
            }
            return payload.substring(4).replace("{server}", serverBase).replace("{port}", Integer.toString(port));
        }

        /** "dead:CODE", "failed:REASON" or "accepted", as in the file. */
        public String expected() {
            return switch (outcome) {
                case DEAD_LETTER -> "dead:" + reason;
                case FAILED_ASSET -> "failed:" + reason;
                case ACCEPTED -> "accepted";
            };
        }
    }

    private HostileCorpus() {}

    public static List<Case> load() {
        try (InputStream in = HostileCorpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no corpus at " + RESOURCE);
            }
            List<Case> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", 4);
                if (cols.length != 4) {
                    throw new IllegalStateException("corpus line needs 4 tab-separated columns: " + line);
                }
                cases.add(parse(cols));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Case parse(String[] cols) {
        String source = cols[1];
        if (!TOPIC_TYPES.containsKey(source) && !source.equals(ASSET_URL) && !source.equals(LANDING)) {
            throw new IllegalStateException(cols[0] + ": unknown source " + source);
        }
        String expected = cols[2];
        if (expected.equals("accepted")) {
            return new Case(cols[0], source, Outcome.ACCEPTED, null, cols[3]);
        }
        if (expected.startsWith("dead:")) {
            return new Case(cols[0], source, Outcome.DEAD_LETTER, expected.substring(5), cols[3]);
        }
        if (expected.startsWith("failed:")) {
            return new Case(cols[0], source, Outcome.FAILED_ASSET, expected.substring(7), cols[3]);
        }
        throw new IllegalStateException(cols[0] + ": expected outcome must be dead:, failed: or accepted, not " + expected);
    }

    static final String HUGE_KEY = "hugekey:";
    static final int HUGE_KEY_BYTES = 512 * 1024;

    static byte[] bytes(Case c) {
        String p = c.payload().startsWith(HUGE_KEY) ? c.payload().substring(HUGE_KEY.length()) : c.payload();
        if (p.startsWith("text:")) {
            return unescape(p.substring(5));
        }
        if (p.startsWith("patch:")) {
            return patched(c.type(), p.substring(6));
        }
        if (p.startsWith("avro:")) {
            return avro(c.type(), patched(c.type(), p.substring(5)));
        }
        if (p.startsWith("gen:")) {
            return generated(c, p.substring(4));
        }
        throw new IllegalStateException(c.id() + ": payload must start with text:, patch:, avro: or gen:");
    }

    /** The JSON an accepted case's record is made of ({@code patch:} and {@code avro:} payloads), read with Jackson. */
    public static JsonNode acceptedJson(Case c) {
        String p = c.payload();
        String patch = p.startsWith("patch:") ? p.substring(6) : p.startsWith("avro:") ? p.substring(5) : null;
        if (c.outcome() != Outcome.ACCEPTED || patch == null) {
            throw new IllegalStateException(c.id() + ": an accepted case needs a patch: or avro: payload");
        }
        try {
            return JSON.readTree(patched(c.type(), patch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The type's valid sample as JSON bytes, with the patch's fields replaced ("$remove" deletes one). */
    public static byte[] patched(Class<? extends SpecificRecordBase> type, String patchJson) {
        try {
            ObjectNode sample = (ObjectNode) JSON.readTree(Samples.jsonText(type));
            JsonNode patch = JSON.readTree(patchJson);
            for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isTextual() && f.getValue().asText().equals("$remove")) {
                    sample.remove(f.getKey());
                } else {
                    sample.set(f.getKey(), f.getValue());
                }
            }
            return JSON.writeValueAsBytes(sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON record as Avro single-object encoding (the producer's other format). */
    public static byte[] avro(Class<? extends SpecificRecordBase> type, byte[] json) {
        Decoded<? extends SpecificRecordBase> decoded = EventCodec.forType(type).decode(json);
        if (decoded instanceof Decoded.Ok<? extends SpecificRecordBase> ok) {
            return Samples.avro(ok.value());
        }
        throw new IllegalStateException("not a decodable " + type.getSimpleName() + ": " + decoded);
    }

    private static byte[] generated(Case c, String name) {
        return switch (name) {
            case "empty" -> new byte[0];
            // above the job's decode limit, below Kafka's default 1 MB message limit
            case "huge" -> withFiller(c.type(), MAX_PAYLOAD_BYTES + 100_000);
            // within the payload limit, one string above the codec's 256 K character limit
            case "long-string" -> withFiller(c.type(), 300_000);
            case "deep" -> ("{\"deviceId\":\"hb-deep\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            case "avro-unknown-fingerprint" -> {
                byte[] valid = avro(c.type(), Samples.json(c.type()));
                // same body, a fingerprint no schema has: the header is 0xC3 0x01 and 8 fingerprint bytes
                Arrays.fill(valid, 2, 10, (byte) 0x5A);
                yield valid;
            }
            case "avro-truncated" -> {
                byte[] valid = avro(c.type(), Samples.json(c.type()));
                yield Arrays.copyOf(valid, 10 + (valid.length - 10) / 3);
            }
            case "avro-of-customer" -> avro(Customer.class, Samples.json(Customer.class));
            default -> throw new IllegalStateException(c.id() + ": unknown generator " + name);
        };
    }

    /** The type's sample with one extra text field making the payload about {@code size} bytes. */
    private static byte[] withFiller(Class<? extends SpecificRecordBase> type, int size) {
        String sample = Samples.jsonText(type).strip();
        String filler = "A".repeat(size);
        return ("{\"filler\":\"" + filler + "\"," + sample.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code \xHH} is a byte, {@code \n} and {@code \t} are newline and tab; any other backslash stays as is. */
    static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == 'x' && i + 3 < text.length()) {
                    out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                    i += 4;
                    continue;
                }
                if (next == 'n' || next == 't') {
                    out.write(next == 'n' ? '\n' : '\t');
                    i += 2;
                    continue;
                }
            }
            int cp = text.codePointAt(i);
            out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }
}
