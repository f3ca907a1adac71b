package dev.tributary.pipeline.config;

import java.util.List;

/** Thrown before the job starts when settings are wrong; the message names every bad setting and its fix. */
public final class InvalidSettingsException extends RuntimeException {

    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super("Invalid Tributary settings:\n  - " + String.join("\n  - ", problems)
                + "\nRun with --help to list every setting with its default.");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
