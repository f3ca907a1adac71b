package dev.tributary.sinks.assets;

import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.Sha256;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Streams a response body into a temporary file while hashing it and sniffing its first bytes. It cancels the
 * transfer the moment the body exceeds the size limit or its first bytes are not an allowed media type, so an
 * oversized or wrong file costs at most the limit, not its full length. Runs on the HTTP client's threads.
 */
final class BodyToFile implements HttpResponse.BodySubscriber<BodyToFile.Body> {

    /** A complete body on disk. */
    record Body(Path file, String sha256, long sizeBytes, String contentType) {}

    private final Path file;
    private final DownloadLimits limits;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private final MessageDigest digest = Sha256.newDigest();
    private final byte[] prefix = new byte[MediaSniffer.PREFIX_LENGTH];
    private FileChannel channel;
    private Flow.Subscription subscription;
    private long size;
    private int prefixLength;
    private String contentType;

    BodyToFile(Path file, DownloadLimits limits) {
        this.file = file;
        this.limits = limits;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            s.cancel();
            result.completeExceptionally(new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage()));
            return;
        }
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        try {
            for (ByteBuffer b : buffers) {
                size += b.remaining();
                if (size > limits.maxBytes()) {
                    abort(new DownloadException(FailureReason.TOO_LARGE, "body exceeds " + limits.maxBytes() + " bytes"));
                    return;
                }
                if (contentType == null) {
                    ByteBuffer peek = b.duplicate();
                    while (peek.hasRemaining() && prefixLength < prefix.length) {
                        prefix[prefixLength++] = peek.get();
                    }
                    if (prefixLength == prefix.length && !checkType()) {
                        return;
                    }
                }
                digest.update(b.duplicate());
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
        } catch (IOException e) {
            abort(new DownloadException(FailureReason.STORAGE_ERROR, "temporary file: " + e.getMessage()));
        }
    }

    private boolean checkType() {
        Optional<String> detected = MediaSniffer.sniff(prefix, prefixLength);
        if (detected.isEmpty() || !limits.allowedMediaTypes().contains(detected.get())) {
            abort(new DownloadException(FailureReason.UNSUPPORTED_MEDIA_TYPE,
                    "bytes are " + detected.orElse("of no known media type") + ", not one of " + limits.allowedMediaTypes()));
            return false;
        }
        contentType = detected.get();
        return true;
    }

    /** Stops the transfer (size, type, or the total deadline) and fails the body. */
    void abort(DownloadException reason) {
        if (result.completeExceptionally(reason)) {
            if (subscription != null) {
                subscription.cancel();
            }
            closeQuietly();
        }
    }

    @Override
    public void onError(Throwable t) {
        closeQuietly();
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        closeQuietly();
        if (result.isDone()) {
            return;
        }
        if (contentType == null && !checkType()) {
            return; // shorter than the sniffing prefix: judged on what there is
        }
        result.complete(new Body(file, Sha256.hex(digest), size, contentType));
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the file is deleted by the downloader either way
        }
    }
}
