package dev.tributary.operators.assets;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MediaSnifferTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String sniff(byte[] b) {
        return MediaSniffer.sniff(b, b.length).orElse("unknown");
    }

    @Test
    void knownMagicNumbers() {
        assertThat(sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1))).isEqualTo("image/jpeg");
        assertThat(sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D))).isEqualTo("image/png");
        assertThat(sniff("GIF89a......".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/gif");
        assertThat(sniff("GIF87a".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/gif");
        assertThat(sniff("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.US_ASCII))).isEqualTo("image/webp");
        assertThat(sniff(bytes(0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'))).isEqualTo("video/mp4");
        assertThat(sniff(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F))).isEqualTo("video/webm");
        assertThat(sniff("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("application/pdf");
    }

    @Test
    void htmlScriptsTruncatedAndLookalikesAreUnknown() {
        assertThat(sniff("<!doctype html><script>".getBytes(StandardCharsets.US_ASCII))).isEqualTo("unknown");
        assertThat(sniff("#!/bin/sh\nrm -rf".getBytes(StandardCharsets.US_ASCII))).isEqualTo("unknown");
        assertThat(sniff(bytes(0xFF, 0xD8))).isEqualTo("unknown");
        assertThat(sniff("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII))).isEqualTo("unknown");
        assertThat(sniff(new byte[0])).isEqualTo("unknown");
        // only the first `length` bytes count
        byte[] png = bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        assertThat(MediaSniffer.sniff(png, 4)).isEmpty();
    }

    @Test
    void extensions() {
        assertThat(MediaSniffer.extension("image/jpeg")).isEqualTo("jpg");
        assertThat(MediaSniffer.extension("video/mp4")).isEqualTo("mp4");
        assertThat(MediaSniffer.extension("text/html")).isEqualTo("bin");
    }

    @Test
    void storedObjectsAreTypedBySignatureThenByName() {
        byte[] parquet = {'P', 'A', 'R', '1', 0, 0, 0, 0};
        byte[] gzip = {0x1F, (byte) 0x8B, 8, 0};
        byte[] text = "id,name\n1,x".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        assertThat(MediaSniffer.contentTypeOf(parquet, parquet.length, "data.bin")).isEqualTo("application/vnd.apache.parquet");
        assertThat(MediaSniffer.contentTypeOf(gzip, gzip.length, "x.csv")).isEqualTo("application/gzip");
        assertThat(MediaSniffer.contentTypeOf(png, png.length, "photo.jpg")).as("the bytes win over the name").isEqualTo("image/png");
        assertThat(MediaSniffer.contentTypeOf(text, text.length, "OBS.CSV")).isEqualTo("text/csv");
        assertThat(MediaSniffer.contentTypeOf(text, text.length, "notes")).isEqualTo("application/octet-stream");
        assertThat(MediaSniffer.contentTypeOf(new byte[0], 0, "empty.json")).isEqualTo("application/json");
    }
}
