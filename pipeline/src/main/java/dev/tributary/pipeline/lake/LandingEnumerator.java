package dev.tributary.pipeline.lake;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Lists the landing location recursively, one split per file. On S3 a prefix with no objects yet does not
 * "exist", and a local landing directory may be created after the job: both mean "nothing landed yet", not an
 * error to log at every scan.
 */
public final class LandingEnumerator implements FileEnumerator {

    private final FileEnumerator files = new NonSplittingRecursiveEnumerator();

    /** For {@code FileSource.Builder#setFileEnumerator}. */
    public static FileEnumerator.Provider provider() {
        return LandingEnumerator::new;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
        try {
            return files.enumerateSplits(paths, minDesiredSplits);
        } catch (FileNotFoundException e) {
            return List.of();
        }
    }
}
