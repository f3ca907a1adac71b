package dev.tributary.pipeline;

import java.time.Duration;

/** Polls a condition until it holds or a deadline passes: the tests' only way to wait. */
public final class Await {

    /** A condition that may throw (a query against a server). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /** Polls every 200 ms; fails naming {@code what} and the last error when the deadline passes first. */
    public static void until(String what, Duration deadline, Condition condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                AssertionError error = new AssertionError("timed out after " + deadline + " waiting for: " + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(200);
        }
    }

    /**
     * Polls like {@link #until} but returns false at the deadline instead of failing, for a test that then reports
     * everything it observed before it fails.
     */
    public static boolean untilOrTimeout(Duration deadline, Condition condition) throws InterruptedException {
        try {
            until("", deadline, condition);
            return true;
        } catch (AssertionError timedOut) {
            return false;
        }
    }
}
