package dev.tributary.pipeline.lake;

import dev.tributary.operators.assets.MediaSniffer;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads each landed file as a whole and yields one record per file: the catalog update for storing it. The
 * reader streams the file's bytes into the raw zone's content-addressed store (bounded memory: one buffer),
 * so the copy runs in the source's fetcher thread, not in a downstream task. A file that cannot be read
 * becomes an update with a failed STORE operation and the reason, keyed by its landing path, so it is never
 * silently lost.
 *
 * <p>Restores: the record of a file is its only record; a split restored after it was emitted skips it.
 */
public final class LandingFormat implements BulkFormat<CatalogEntry, FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    public static final String STORE = "STORE";
    public static final String OWNER = "landing";

    private final URI rawZone;
    private final String job;
    private final String operator;

    public LandingFormat(URI rawZone, String job, String operator) {
        this.rawZone = rawZone;
        this.job = job;
        this.operator = operator;
    }

    @Override
    public Reader<CatalogEntry> createReader(Configuration config, FileSourceSplit split) {
        return new OneRecordReader(split, false);
    }

    @Override
    public Reader<CatalogEntry> restoreReader(Configuration config, FileSourceSplit split) {
        boolean emitted = split.getReaderPosition().map(p -> p.getRecordsAfterOffset() > 0).orElse(false);
        return new OneRecordReader(split, emitted);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<CatalogEntry> getProducedType() {
        return AvroTypes.of(CatalogEntry.class);
    }

    /** The catalog update for one landed file: copied now, or failed with the reason. */
    CatalogEntry catalogue(Path file, long size, long modified) throws IOException {
        Instant now = Instant.now();
        Instant modifiedAt = Instant.ofEpochMilli(modified);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("landingPath", file.toString());
        attributes.put("zone", "raw");
        CatalogEntry.Builder entry = CatalogEntry.newBuilder()
                .setOwner(OWNER).setOriginalName(file.getName()).setCreatedAt(now).setModifiedAt(modifiedAt)
                .setAttributes(attributes);
        ContentAddressedStore store = new ContentAddressedStore(rawZone);
        try (FSDataInputStream in = file.getFileSystem().open(file)) {
            ContentAddressedStore.Stored stored = store.store(in);
            return entry.setObjectKey(stored.objectKey()).setContainer(rawZone.toString())
                    .setContentType(MediaSniffer.contentTypeOf(stored.head(), stored.headLength(), file.getName()))
                    .setSizeBytes(stored.size()).setSha256(stored.sha256())
                    .setOperations(List.of(operation(now, true, null))).build();
        } catch (ContentAddressedStore.UnreadableInputException | java.io.FileNotFoundException e) {
            return failed(entry, file, size, now, e.getMessage());
        } catch (IOException e) {
            if (isInputFailure(e)) {
                return failed(entry, file, size, now, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            throw e;
        }
    }

    /** Opening the landed file failed (permissions, vanished): its fault, not the raw zone's. */
    private static boolean isInputFailure(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.NoSuchFileException;
    }

    private CatalogEntry failed(CatalogEntry.Builder entry, Path file, long size, Instant now, String reason) {
        return entry.setObjectKey(file.toUri().toString()).setContainer("landing").setSizeBytes(size)
                .setOperations(List.of(operation(now, false, "unreadable: " + reason))).build();
    }

    private CatalogOperation operation(Instant at, boolean ok, String reason) {
        return CatalogOperation.newBuilder().setName(STORE).setAt(at).setJob(job).setOperator(operator)
                .setSucceeded(ok).setReason(reason).build();
    }

    private final class OneRecordReader implements Reader<CatalogEntry> {
        private final FileSourceSplit split;
        private boolean done;

        OneRecordReader(FileSourceSplit split, boolean alreadyEmitted) {
            this.split = split;
            this.done = alreadyEmitted;
        }

        @Override
        public RecordIterator<CatalogEntry> readBatch() throws IOException {
            if (done) {
                return null;
            }
            done = true;
            CatalogEntry entry = catalogue(split.path(), split.fileSize(), split.fileModificationTime());
            SingletonResultIterator<CatalogEntry> it = new SingletonResultIterator<>();
            it.set(entry, CheckpointedPosition.NO_OFFSET, 1);
            return it;
        }

        @Override
        public void close() {}
    }
}
