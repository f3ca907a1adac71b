package dev.tributary.pipeline.lake;

import dev.tributary.events.CatalogEntry;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The landing reader on file:// (the same code path as s3://, through Flink's FileSystem API). */
class LandingFormatTest {

    @TempDir
    java.nio.file.Path dir;

    private LandingFormat format() {
        return new LandingFormat(dir.resolve("raw").toUri(), "job", "lake-landing-source");
    }

    /** The TaskManager's temporary directories ({@code io.tmp.dirs}) hold the local copy while it is hashed. */
    private Configuration config() throws java.io.IOException {
        Configuration config = new Configuration();
        config.set(org.apache.flink.configuration.CoreOptions.TMP_DIRS, Files.createDirectories(dir.resolve("tmp")).toString());
        return config;
    }

    private static FileSourceSplit split(java.nio.file.Path file, long size) {
        return new FileSourceSplit("1", new Path(file.toUri()), 0, size, 1_700_000_000_000L, size);
    }

    private static CatalogEntry readOne(BulkFormat.Reader<CatalogEntry> reader) throws Exception {
        BulkFormat.RecordIterator<CatalogEntry> batch = reader.readBatch();
        RecordAndPosition<CatalogEntry> record = batch.next();
        assertThat(batch.next()).as("one record per file").isNull();
        batch.releaseBatch();
        assertThat(reader.readBatch()).as("then the split is done").isNull();
        return record.getRecord();
    }

    @Test
    void copiesTheFileToItsContentAddressAndCataloguesIt() throws Exception {
        byte[] bytes = "occurrenceId,source\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        java.nio.file.Path file = Files.write(dir.resolve("obs.csv"), bytes);
        CatalogEntry entry = readOne(format().createReader(config(), split(file, bytes.length)));

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(entry.getObjectKey()).isEqualTo("objects/sha256/" + sha);
        assertThat(entry.getSha256()).isEqualTo(sha);
        assertThat(entry.getSizeBytes()).isEqualTo(bytes.length);
        assertThat(entry.getContentType()).isEqualTo("text/csv");
        assertThat(entry.getOriginalName()).isEqualTo("obs.csv");
        assertThat(entry.getOperations()).singleElement().satisfies(op -> {
            assertThat(op.getName()).isEqualTo("STORE");
            assertThat(op.getSucceeded()).isTrue();
        });
        assertThat(Files.readAllBytes(dir.resolve("raw").resolve(entry.getObjectKey()))).isEqualTo(bytes);
        assertThat(Files.list(dir.resolve("raw/.tmp"))).as("no temporary object left").isEmpty();
        assertThat(Files.list(dir.resolve("tmp"))).as("no local copy left").isEmpty();

        // the same content again (a replay, or a second upload) lands on the same object
        CatalogEntry again = readOne(format().createReader(config(), split(file, bytes.length)));
        assertThat(again.getObjectKey()).isEqualTo(entry.getObjectKey());
        assertThat(Files.list(dir.resolve("raw/objects/sha256"))).hasSize(1);
    }

    @Test
    void aFileThatCannotBeReadIsCataloguedAsAFailedStore() throws Exception {
        java.nio.file.Path gone = dir.resolve("vanished.bin");
        CatalogEntry entry = readOne(format().createReader(config(), split(gone, 42)));
        assertThat(entry.getObjectKey()).as("keyed by its landing path").isEqualTo(gone.toUri().toString());
        assertThat(entry.getContainer()).isEqualTo("landing");
        assertThat(entry.getSizeBytes()).isEqualTo(42L);
        assertThat(entry.getOperations()).singleElement().satisfies(op -> {
            assertThat(op.getSucceeded()).isFalse();
            assertThat(op.getReason()).startsWith("unreadable: ");
        });
    }

    @Test
    void aSplitRestoredAfterItsRecordWasEmittedYieldsNothing() throws Exception {
        java.nio.file.Path file = Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3});
        FileSourceSplit emitted = split(file, 3).updateWithCheckpointedPosition(new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 1));
        assertThat(format().restoreReader(config(), emitted).readBatch()).isNull();
        FileSourceSplit fresh = split(file, 3);
        assertThat(format().restoreReader(config(), fresh).readBatch()).isNotNull();
    }

    @Test
    void aLandingLocationThatDoesNotExistYetHasNoFiles() throws Exception {
        var enumerator = LandingEnumerator.provider().create();
        assertThat(enumerator.enumerateSplits(new Path[] {new Path(dir.resolve("not-yet").toUri())}, 1)).isEmpty();
        Files.write(dir.resolve("landed.bin"), new byte[] {1});
        assertThat(enumerator.enumerateSplits(new Path[] {new Path(dir.toUri())}, 1))
                .extracting(s -> s.path().getName()).containsExactly("landed.bin");
    }
}
