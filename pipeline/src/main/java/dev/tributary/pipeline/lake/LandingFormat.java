package dev.tributary.pipeline.lake;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.sinks.objectstore.ContentAddressedStore;
import dev.tributary.sinks.objectstore.FileSystemObjectStore;
import dev.tributary.sinks.objectstore.HashingCopy;
import dev.tributary.sinks.objectstore.ObjectStore;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.lake.UploadSidecar;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads each landed file as a whole and yields one record per file: the catalog update for storing it. The
 * reader streams the file's bytes into the raw zone's {@link ContentAddressedStore} (bounded memory: one
 * buffer), so the copy runs in the source's fetcher thread, not in a downstream task. A file that cannot be read
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
        return new OneRecordReader(config, split, false);
    }

    @Override
    public Reader<CatalogEntry> restoreReader(Configuration config, FileSourceSplit split) {
        boolean emitted = split.getReaderPosition().map(p -> p.getRecordsAfterOffset() > 0).orElse(false);
        return new OneRecordReader(config, split, emitted);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<CatalogEntry> getProducedType() {
        return AvroTypes.of(CatalogEntry.class);
    }

    /**
     * The catalog update for one landed file: copied now, or failed with the reason. The file is hashed on its way
     * to a local temporary copy ({@link HashingCopy}), which the raw zone's {@link ContentAddressedStore} then
     * puts under {@code objects/sha256/<hex>}. A landed file that cannot be opened or read is its own fault and
     * becomes a failed STORE; the local disk or the raw zone failing throws, so the task restarts and retries.
     */
    CatalogEntry catalogue(Path file, long size, long modified, ContentAddressedStore rawZoneObjects,
            java.nio.file.Path tmpDir) throws IOException {
        Instant now = Instant.now();
        Instant modifiedAt = Instant.ofEpochMilli(modified);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("landingPath", file.toString());
        attributes.put("zone", "raw");
        CatalogEntry.Builder entry = CatalogEntry.newBuilder()
                .setOwner(OWNER).setOriginalName(file.getName()).setCreatedAt(now).setModifiedAt(modifiedAt)
                .setAttributes(attributes);
        java.nio.file.Path local = Files.createTempFile(tmpDir, "landing-", ".part");
        try {
            FSDataInputStream in;
            try {
                in = file.getFileSystem().open(file);
            } catch (java.io.FileNotFoundException e) {
                return failed(entry, file, size, now, e.getMessage());
            } catch (java.nio.file.AccessDeniedException | java.nio.file.NoSuchFileException e) {
                return failed(entry, file, size, now, e.getClass().getSimpleName() + ": " + e.getMessage());
            } // any other failure to open: the landing location is unreachable, not this file unreadable; retry
            HashingCopy.Copied copy;
            try (in) {
                copy = HashingCopy.toFile(in, local, HashingCopy.Inspector.NONE);
            } catch (HashingCopy.WriteFailedException e) {
                throw e;
            } catch (IOException e) {
                return failed(entry, file, size, now, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            String contentType = MediaSniffer.contentTypeOf(copy.head(), copy.headLength(), file.getName());
            ContentAddressedStore.Stored stored = ObjectStore.await(rawZoneObjects.put(copy, contentType));
            applyUploadMetadata(file, stored.sha256(), entry, attributes);
            return entry.setAttributes(attributes).setObjectKey(stored.key()).setContainer(rawZone.toString())
                    .setContentType(contentType).setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256())
                    .setOperations(List.of(operation(now, true, null))).build();
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /**
     * A file uploaded through the lake door has its metadata beside it ({@link UploadSidecar}, written before the file):
     * its owner replaces {@link #OWNER}, and its tags, description and upload id become attributes. Metadata for
     * other bytes (the path was overwritten since) or that cannot be read is not applied, and the attribute
     * {@code uploadMetadata} says why; the file is catalogued either way.
     */
    static void applyUploadMetadata(Path file, String sha256, CatalogEntry.Builder entry, Map<String, String> attributes) {
        Path sidecarPath = new Path(file.getParent(), UploadSidecar.sidecarName(file.getName()));
        byte[] json;
        try {
            org.apache.flink.core.fs.FileSystem fs = sidecarPath.getFileSystem();
            if (!fs.exists(sidecarPath)) {
                return;
            }
            try (FSDataInputStream in = fs.open(sidecarPath)) {
                json = in.readNBytes(UploadSidecar.MAX_BYTES + 1);
            }
        } catch (IOException e) {
            attributes.put("uploadMetadata", "unreadable: " + e.getClass().getSimpleName());
            return;
        }
        try {
            UploadSidecar upload = UploadSidecar.parse(json);
            if (!upload.sha256().equals(sha256)) {
                attributes.put("uploadMetadata", "ignored: it describes other bytes (sha256 " + upload.sha256() + ")");
                return;
            }
            entry.setOwner(upload.owner());
            attributes.putAll(upload.attributes());
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage();
            attributes.put("uploadMetadata", "invalid: " + (reason.length() > 200 ? reason.substring(0, 200) + "…" : reason));
        }
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
        private final java.nio.file.Path tmpDir;
        private boolean done;

        OneRecordReader(Configuration config, FileSourceSplit split, boolean alreadyEmitted) {
            this.split = split;
            this.tmpDir = java.nio.file.Path.of(ConfigurationUtils.parseTempDirectories(config)[0]);
            this.done = alreadyEmitted;
        }

        @Override
        public RecordIterator<CatalogEntry> readBatch() throws IOException {
            if (done) {
                return null;
            }
            done = true;
            CatalogEntry entry;
            try (FileSystemObjectStore rawZoneStore = new FileSystemObjectStore(rawZone)) {
                entry = catalogue(split.path(), split.fileSize(), split.fileModificationTime(),
                        new ContentAddressedStore(rawZoneStore, ObjectKeys.RAW_OBJECTS), tmpDir);
            }
            SingletonResultIterator<CatalogEntry> it = new SingletonResultIterator<>();
            it.set(entry, CheckpointedPosition.NO_OFFSET, 1);
            return it;
        }

        @Override
        public void close() {}
    }
}
