package dev.tributary.samples;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

/**
 * Small, valid media files generated in code (no downloads) for the demo, the benchmark and tests. The bytes
 * depend on the name, so different names give different files (and content-addressed keys).
 */
public final class SampleMedia {

    private SampleMedia() {}

    public static byte[] png(String name, int width, int height) {
        return image(name, width, height, "png", BufferedImage.TYPE_INT_ARGB);
    }

    public static byte[] jpeg(String name, int width, int height) {
        return image(name, width, height, "jpg", BufferedImage.TYPE_INT_RGB);
    }

    private static byte[] image(String name, int width, int height, String format, int type) {
        BufferedImage img = new BufferedImage(width, height, type);
        int seed = name.hashCode();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = seed ^ (x * 73856093) ^ (y * 19349663);
                img.setRGB(x, y, 0xFF000000 | (v & 0xFFFFFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An ISO base media file: an {@code ftyp} box (isom/mp41) and an {@code mdat} box of name-dependent bytes. */
    public static byte[] mp4(String name, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        byte[] seed = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (seed[i % seed.length] + i);
        }
        ByteBuffer b = ByteBuffer.allocate(24 + 8 + payload.length);
        b.putInt(24).put("ftyp".getBytes(StandardCharsets.US_ASCII)).put("isom".getBytes(StandardCharsets.US_ASCII))
                .putInt(0x200).put("isom".getBytes(StandardCharsets.US_ASCII)).put("mp41".getBytes(StandardCharsets.US_ASCII));
        b.putInt(8 + payload.length).put("mdat".getBytes(StandardCharsets.US_ASCII)).put(payload);
        return b.array();
    }
}
