package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a fault-injection command of the stack (restart a server, stop the mirror), taken from the environment. */
public final class StackCommand {

    private StackCommand() {}

    /** Runs {@code $envVar} (or {@code defaultCommand}) from the repository root and fails unless it exits 0 in time. */
    public static void run(String envVar, String defaultCommand, File log, Duration timeout) throws Exception {
        String command = StackEnv.get(envVar, defaultCommand);
        // output to a file, never inherited: a restarted server keeps it open, and an inherited pipe would
        // keep Maven waiting
        Process process = new ProcessBuilder("sh", "-c", command).directory(StackEnv.repoRoot().toFile())
                .redirectErrorStream(true).redirectOutput(log).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            throw new AssertionError("'" + command + "' failed or did not finish within " + timeout + "; see " + log);
        }
    }
}
