package dev.tributary.sinks.assets;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a download may be: its size, the media types its bytes may have, how many redirects it may take, and how
 * long it may last in total (connect, headers and a slow body together).
 */
public record DownloadLimits(long maxBytes, Set<String> allowedMediaTypes, int maxRedirects,
                             Duration connectTimeout, Duration totalTimeout) implements Serializable {

    public static final List<String> DEFAULT_MEDIA_TYPES = List.of("image/jpeg", "image/png", "image/gif",
            "image/webp", "video/mp4", "video/webm", "application/pdf");

    public DownloadLimits {
        allowedMediaTypes = Set.copyOf(allowedMediaTypes);
        if (maxBytes <= 0 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxBytes must be positive and maxRedirects not negative");
        }
    }
}
