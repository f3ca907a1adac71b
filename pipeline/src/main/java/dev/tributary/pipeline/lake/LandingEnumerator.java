package dev.tributary.pipeline.lake;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.DefaultFileFilter;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Lists the landing location recursively, one split per file. On S3 a prefix with no objects yet does not
 * "exist", and a local landing directory may be created after the job: both mean "nothing landed yet", not an
 * error to log at every scan.
 *
 * <p>In a local landing directory only regular files and real directories are listed: a symbolic link is neither
 * followed nor read (a link to {@code /etc} or to a secret would otherwise be copied into the raw zone, and a link
 * to a parent directory would make the listing endless), and neither is a special file (a FIFO blocks its reader
 * forever, a device never ends). Each one skipped is logged once, with its path. Object stores have neither.
 * Hidden files (names starting with {@code .} or {@code _}, as uploads in progress are named) stay skipped, as
 * Flink's default filter does.
 */
public final class LandingEnumerator implements FileEnumerator {

    private static final Logger LOG = LoggerFactory.getLogger(LandingEnumerator.class);
    /** Paths already reported, so a link left in place is logged once, not at every scan (bounded). */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static final int MAX_REPORTED = 10_000;

    private final FileEnumerator files = new NonSplittingRecursiveEnumerator(new LandedFiles());

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

    /** The filter the recursive listing applies to every path, directories included, before it looks inside. */
    static final class LandedFiles implements Predicate<Path> {
        private final Predicate<Path> hidden = new DefaultFileFilter();

        @Override
        public boolean test(Path path) {
            if (!hidden.test(path)) {
                return false;
            }
            String scheme = path.toUri().getScheme();
            if (scheme != null && !scheme.equals("file")) {
                return true;
            }
            java.nio.file.Path local = Paths.get(path.toUri().getPath());
            if (Files.isSymbolicLink(local)) {
                skipped(local, "a symbolic link");
                return false;
            }
            if (!Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
                return true; // gone since it was listed: the reader reports it
            }
            if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(local, LinkOption.NOFOLLOW_LINKS)) {
                skipped(local, "a special file (FIFO, socket or device)");
                return false;
            }
            return true;
        }

        private static void skipped(java.nio.file.Path local, String what) {
            if (REPORTED.size() < MAX_REPORTED && REPORTED.add(local.toString())) {
                LOG.warn("Landing: skipped {}, which is {}; only regular files are read", local, what);
            }
        }
    }
}
