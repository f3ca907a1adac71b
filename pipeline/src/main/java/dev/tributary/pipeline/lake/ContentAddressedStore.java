package dev.tributary.pipeline.lake;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.Sha256;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Stores objects in the raw zone under {@code objects/sha256/<hex>} with Flink's FileSystem API (s3:// through
 * the plugin, file://), hashing while copying: the bytes are streamed once through a fixed buffer into a
 * temporary object, then moved to their content address. The same content always lands on the same key, so a
 * replay after a failure rewrites nothing and leaves no second copy.
 */
public final class ContentAddressedStore {

    public static final String OBJECTS_DIR = "objects/sha256/";
    private static final String TMP_DIR = "objects/_tmp/";
    private static final int BUFFER = 64 * 1024;

    private final URI root;

    public ContentAddressedStore(URI root) {
        this.root = root;
    }

    /** What a copy produced. {@code head} holds the first bytes (content sniffing). */
    public record Stored(String objectKey, String sha256, long size, byte[] head, int headLength) {}

    /** The input could not be read: the landed file is at fault, not the raw zone. */
    public static final class UnreadableInputException extends IOException {
        UnreadableInputException(IOException cause) {
            super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }

    public Path pathOf(String objectKey) {
        return new Path(new Path(root), objectKey);
    }

    /**
     * Copies {@code in} to its content address. Read failures throw {@link UnreadableInputException}; write
     * failures (the raw zone unavailable) throw a plain IOException, which should fail and restart the task.
     */
    public Stored store(InputStream in) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        Path tmp = pathOf(TMP_DIR + UUID.randomUUID());
        FileSystem fs = tmp.getFileSystem();
        byte[] buffer = new byte[BUFFER];
        byte[] head = new byte[MediaSniffer.PREFIX_LENGTH];
        int headLength = 0;
        long size = 0;
        try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new UnreadableInputException(e);
                }
                if (n < 0) {
                    break;
                }
                if (headLength < head.length) {
                    int k = Math.min(head.length - headLength, n);
                    System.arraycopy(buffer, 0, head, headLength, k);
                    headLength += k;
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
        } catch (UnreadableInputException e) {
            fs.delete(tmp, false);
            throw e;
        }
        String hex = Sha256.hex(sha);
        String key = OBJECTS_DIR + hex;
        Path target = pathOf(key);
        if (fs.exists(target)) {
            fs.delete(tmp, false);
        } else if (!fs.rename(tmp, target)) {
            throw new IOException("could not move " + tmp + " to " + target);
        }
        return new Stored(key, hex, size, head, headLength);
    }
}
