package dev.tributary.operators.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every version of every event schema a writer may still use, so Avro payloads can name their writer schema
 * by fingerprint and be read by schema resolution without an external registry.
 *
 * <p>Older versions live in {@code schemas/src/main/avro-history/} and are packaged as classpath resources
 * under {@code avro-history/}, listed in {@value #INDEX} (one file name per line, {@code #} comments). Every
 * index on the classpath contributes, so another jar can add writer schemas without touching this one.
 */
public final class SchemaHistory {

    public static final String INDEX = "avro-history/index.txt";
    private static final String FOLDER = "avro-history/";

    private final Map<String, List<Schema>> byName;
    private final Map<Long, String> labels;

    private SchemaHistory(Map<String, List<Schema>> byName, Map<Long, String> labels) {
        this.byName = byName;
        this.labels = labels;
    }

    /** The history packaged on the classpath of this class (the schemas module's resources). */
    public static SchemaHistory fromClasspath() {
        return fromClasspath(SchemaHistory.class.getClassLoader());
    }

    public static SchemaHistory fromClasspath(ClassLoader loader) {
        SchemaHistory history = new SchemaHistory(new LinkedHashMap<>(), new LinkedHashMap<>());
        try {
            Enumeration<URL> indexes = loader.getResources(INDEX);
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                for (String file : readIndex(index)) {
                    URL schemaUrl = new URL(index, file);
                    try (InputStream in = schemaUrl.openStream()) {
                        history.add(new Schema.Parser().parse(in), FOLDER + file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load schema history from " + INDEX, e);
        }
        return history;
    }

    /** A history of exactly these schemas (tests, or writer schemas supplied by configuration). */
    public static SchemaHistory of(Collection<Schema> schemas) {
        SchemaHistory history = new SchemaHistory(new LinkedHashMap<>(), new LinkedHashMap<>());
        schemas.forEach(s -> history.add(s, "supplied"));
        return history;
    }

    /** This history plus more writer schemas; this one is left unchanged. */
    public SchemaHistory with(Collection<Schema> extra) {
        SchemaHistory copy = new SchemaHistory(new LinkedHashMap<>(), new LinkedHashMap<>(labels));
        byName.forEach((name, list) -> copy.byName.put(name, new ArrayList<>(list)));
        extra.forEach(s -> copy.add(s, "supplied"));
        return copy;
    }

    /** Historical (not current) versions of the record with this full name, oldest first as listed. */
    public List<Schema> versionsOf(String fullName) {
        return Collections.unmodifiableList(byName.getOrDefault(fullName, List.of()));
    }

    /** Which known schema has this CRC-64-AVRO fingerprint, e.g. for an error message. */
    public Optional<String> describe(long fingerprint) {
        return Optional.ofNullable(labels.get(fingerprint));
    }

    public static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    private void add(Schema schema, String origin) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("schema history holds records only, got " + schema.getType() + " in " + origin);
        }
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        if (labels.putIfAbsent(fingerprint, schema.getFullName() + " (" + origin + ")") == null) {
            byName.computeIfAbsent(schema.getFullName(), n -> new ArrayList<>()).add(schema);
        }
    }

    private static List<String> readIndex(URL index) throws IOException {
        List<String> files = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String file = line.strip();
                if (!file.isEmpty() && !file.startsWith("#")) {
                    files.add(file);
                }
            }
        }
        return files;
    }
}
