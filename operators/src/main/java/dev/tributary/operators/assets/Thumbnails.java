package dev.tributary.operators.assets;

import dev.tributary.events.Thumbnail;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The preview of a stored asset that crosses the edge link with its broadcast, so a field team sees what it may
 * ask for without pulling the file: an image scaled to fit {@link #MAX_EDGE} pixels (JPEG, at most
 * {@link #MAX_BYTES}), or, for a video or any file the JDK cannot decode, a poster: a small drawn card (a play
 * sign for a video, a page for anything else). There is no video decoder on the job's classpath (the JDK has
 * none, and a frame grabber would bring native code into the job), so a video's poster is not one of its frames.
 *
 * <p>Never fails: an image that is corrupt, of an unknown format, or larger than {@link #MAX_PIXELS} (a
 * decompression bomb: a 40 000 × 40 000 PNG is a few KB on the wire and 6 GB decoded) gets the poster, and only
 * its header is read. Large images are decoded with source subsampling, so a 24-megapixel photo costs about as
 * much as a 1-megapixel one.
 */
public final class Thumbnails {

    /** The longest side of a thumbnail, in pixels. */
    public static final int MAX_EDGE = 160;
    /** The largest encoded thumbnail: the edge's catalog row carries it (as a data URI it fits Redshift's VARCHAR). */
    public static final int MAX_BYTES = 24 * 1024;
    /** Images with more pixels than this are not decoded. */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;

    public static final String SCALED = "SCALED";
    public static final String POSTER = "POSTER";

    private static final float[] JPEG_QUALITIES = {0.8f, 0.6f, 0.4f};

    private Thumbnails() {}

    /** The thumbnail of the file at {@code file}, whose bytes were sniffed as {@code contentType}. */
    public static Thumbnail of(Path file, String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("image/")) {
            try {
                BufferedImage image = decodeBounded(file, type);
                if (image != null) {
                    Thumbnail scaled = scaled(image);
                    if (scaled != null) {
                        return scaled;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a corrupt or unsupported image: the poster says what it is, the download still succeeds
            }
        }
        return poster(type);
    }

    /** The image decoded at most about twice the thumbnail's size, or null when it is too large or unreadable. */
    private static BufferedImage decodeBounded(Path file, String contentType) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(contentType);
            if (!readers.hasNext()) {
                return null; // e.g. image/webp: the JDK has no reader
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || width * height > MAX_PIXELS) {
                    return null;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.max(1, Math.max(width, height) / (2L * MAX_EDGE));
                param.setSourceSubsampling(step, step, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    private static Thumbnail scaled(BufferedImage source) {
        double scale = Math.min(1.0, (double) MAX_EDGE / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE); // JPEG has no alpha: transparent pixels show as white, as on a page
            g.fillRect(0, 0, width, height);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        for (float quality : JPEG_QUALITIES) {
            byte[] jpeg = jpeg(target, quality);
            if (jpeg.length <= MAX_BYTES) {
                return thumbnail("image/jpeg", width, height, SCALED, jpeg);
            }
        }
        return null;
    }

    /** A card for what cannot be scaled: a play sign for a video, a page with a folded corner for anything else. */
    static Thumbnail poster(String contentType) {
        int width = MAX_EDGE;
        int height = MAX_EDGE * 3 / 4;
        BufferedImage card = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = card.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            boolean video = contentType.startsWith("video/");
            g.setColor(video ? new Color(0x1f2a44) : new Color(0x3b4252));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0xe5e9f0));
            int cx = width / 2;
            int cy = height / 2;
            if (video) {
                g.setStroke(new BasicStroke(3f));
                g.drawOval(cx - 28, cy - 28, 56, 56);
                g.fillPolygon(new Polygon(new int[] {cx - 9, cx - 9, cx + 15}, new int[] {cy - 14, cy + 14, cy}, 3));
            } else {
                g.fillPolygon(new Polygon(new int[] {cx - 20, cx + 8, cx + 20, cx + 20, cx - 20},
                        new int[] {cy - 26, cy - 26, cy - 14, cy + 26, cy + 26}, 5));
                g.setColor(new Color(0x3b4252));
                for (int line = -8; line <= 16; line += 8) {
                    g.fillRect(cx - 13, cy + line, 26, 3);
                }
            }
        } finally {
            g.dispose();
        }
        return thumbnail("image/png", width, height, POSTER, png(card));
    }

    private static Thumbnail thumbnail(String type, int width, int height, String kind, byte[] data) {
        return Thumbnail.newBuilder().setContentType(type).setWidth(width).setHeight(height).setKind(kind)
                .setData(ByteBuffer.wrap(data)).build();
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The thumbnail as a {@code data:} URI, the form the edge's catalog stores and a page shows directly. */
    public static String dataUri(Thumbnail thumbnail) {
        ByteBuffer data = thumbnail.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return "data:" + thumbnail.getContentType() + ";base64," + java.util.Base64.getEncoder().encodeToString(bytes);
    }
}
