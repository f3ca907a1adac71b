package dev.tributary.operators.assets;

import dev.tributary.events.Thumbnail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

class ThumbnailsTest {

    @TempDir
    Path dir;

    @Test
    void aLargePhotoIsScaledToFitAndStaysSmall() throws IOException {
        Path file = write("photo.jpg", image(4000, 3000, "jpg", BufferedImage.TYPE_INT_RGB));

        Thumbnail t = Thumbnails.of(file, "image/jpeg");

        assertThat(t.getKind()).isEqualTo(Thumbnails.SCALED);
        assertThat(t.getContentType()).isEqualTo("image/jpeg");
        assertThat(t.getWidth()).isEqualTo(160);
        assertThat(t.getHeight()).isEqualTo(120);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes(t)));
        assertThat(decoded.getWidth()).isEqualTo(160);
        assertThat(decoded.getHeight()).isEqualTo(120);
        assertThat(bytes(t).length).isLessThanOrEqualTo(Thumbnails.MAX_BYTES);
    }

    @Test
    void aTallTransparentPngKeepsItsAspectAndASmallImageIsNotEnlarged() throws IOException {
        Thumbnail tall = Thumbnails.of(write("tall.png", image(300, 900, "png", BufferedImage.TYPE_INT_ARGB)), "image/png");
        assertThat(tall.getKind()).isEqualTo(Thumbnails.SCALED);
        assertThat(tall.getWidth()).isEqualTo(53);
        assertThat(tall.getHeight()).isEqualTo(160);

        Thumbnail small = Thumbnails.of(write("icon.png", image(40, 30, "png", BufferedImage.TYPE_INT_ARGB)), "image/png");
        assertThat(small.getWidth()).isEqualTo(40);
        assertThat(small.getHeight()).isEqualTo(30);
    }

    @Test
    void videosAndFilesTheJdkCannotDecodeGetAPoster() throws IOException {
        Thumbnail video = Thumbnails.of(write("clip.mp4", new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}), "video/mp4");
        assertThat(video.getKind()).isEqualTo(Thumbnails.POSTER);
        assertThat(video.getContentType()).isEqualTo("image/png");
        assertThat(ImageIO.read(new ByteArrayInputStream(bytes(video)))).isNotNull();

        byte[] png = image(50, 50, "png", BufferedImage.TYPE_INT_RGB);
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 3);
        assertThat(Thumbnails.of(write("broken.png", truncated), "image/png").getKind()).isEqualTo(Thumbnails.POSTER);
        assertThat(Thumbnails.of(write("photo.webp", "RIFF0000WEBPVP8 ".getBytes()), "image/webp").getKind())
                .isEqualTo(Thumbnails.POSTER);
        assertThat(Thumbnails.of(write("doc.pdf", "%PDF-1.7".getBytes()), "application/pdf").getKind())
                .isEqualTo(Thumbnails.POSTER);
        assertThat(Thumbnails.of(dir.resolve("missing.png"), "image/png").getKind()).isEqualTo(Thumbnails.POSTER);
    }

    @Test
    void aDecompressionBombIsNeverDecoded() throws IOException {
        // a valid 1x1 PNG whose header claims 40 000 x 40 000 pixels (6.4 GB as ARGB)
        byte[] png = image(1, 1, "png", BufferedImage.TYPE_INT_ARGB);
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 40_000).putInt(20, 40_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" + its 13 bytes
        b.putInt(29, (int) crc.getValue());

        Thumbnail t = Thumbnails.of(write("bomb.png", png), "image/png");

        assertThat(t.getKind()).isEqualTo(Thumbnails.POSTER);
    }

    @Test
    void noiseThatCompressesBadlyStillFitsTheBound() throws IOException {
        BufferedImage noise = new BufferedImage(2000, 2000, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 2000; y++) {
            for (int x = 0; x < 2000; x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noise, "png", out);

        Thumbnail t = Thumbnails.of(write("noise.png", out.toByteArray()), "image/png");

        assertThat(bytes(t).length).isLessThanOrEqualTo(Thumbnails.MAX_BYTES);
        assertThat(Thumbnails.dataUri(t)).startsWith("data:image/" + (t.getKind().equals(Thumbnails.SCALED) ? "jpeg" : "png") + ";base64,");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] bytes(Thumbnail t) {
        ByteBuffer data = t.getData().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }

    private static byte[] image(int width, int height, String format, int type) throws IOException {
        BufferedImage img = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, 0xFF000000 | ((x * 255 / width) << 16) | ((y * 255 / height) << 8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }
}
