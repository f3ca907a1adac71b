package dev.tributary.sinks.assets;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of a response the downloader does not keep (an error, a redirect): read and dropped up to a small
 * bound, then the subscription is cancelled, which makes the HTTP client close the connection. The JDK's
 * {@code BodySubscribers.discarding()} reads a body to its end, and a hostile server's error body need not have one.
 */
final class BoundedDiscard implements HttpResponse.BodySubscriber<Void> {

    /** Enough for any honest error page to be drained (so its connection can be reused), small next to a download. */
    static final long MAX_BYTES = 64 * 1024;

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long maxBytes;
    private Flow.Subscription subscription;
    private long read;

    BoundedDiscard(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    static BoundedDiscard subscriber() {
        return new BoundedDiscard(MAX_BYTES);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            read += b.remaining();
        }
        if (read > maxBytes && !done.isDone()) {
            subscription.cancel();
            done.complete(null);
        }
    }

    @Override
    public void onError(Throwable t) {
        done.complete(null); // the status line already said what went wrong; the body adds nothing
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }
}
