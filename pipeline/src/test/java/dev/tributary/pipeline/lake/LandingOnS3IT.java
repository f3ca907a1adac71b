package dev.tributary.pipeline.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.pipeline.S3TestSupport;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The landing location and the raw zone both on s3:// (S3Proxy through the flink-s3-fs-hadoop plugin): the
 * FileSource lists the landing prefix, the landing reader copies each object to its content address.
 */
class LandingOnS3IT {

    @BeforeAll
    static void s3() {
        S3TestSupport.initializeFileSystems();
    }

    @Test
    void objectsDroppedIntoAnS3LandingPrefixAreStoredUnderTheirContentAddress() throws Exception {
        String run = "it-landing-s3-" + UUID.randomUUID().toString().substring(0, 8);
        String bucket = S3TestSupport.bucket();
        byte[] a = ("a " + run).getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[3 * 1024 * 1024 + 17]; // larger than one S3A block of the copy buffer
        new java.util.Random(7).nextBytes(b);
        try (S3Client s3 = S3TestSupport.client()) {
            S3TestSupport.put(s3, run + "/landing/a.txt", a);
            S3TestSupport.put(s3, run + "/landing/sub/b.bin", b);

            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            FileSource<CatalogEntry> source = FileSource.forBulkFileFormat(
                    new LandingFormat(java.net.URI.create("s3://" + bucket + "/" + run + "/raw"), "job", "lake-landing-source"),
                    new Path("s3://" + bucket + "/" + run + "/landing")).build();
            List<CatalogEntry> entries = new ArrayList<>();
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "landing").uid("landing").name("landing")
                    .executeAndCollect().forEachRemaining(entries::add);

            assertThat(entries).extracting(CatalogEntry::getOriginalName).containsExactlyInAnyOrder("a.txt", "b.bin");
            for (byte[] content : List.of(a, b)) {
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
                assertThat(entries).anySatisfy(e -> {
                    assertThat(e.getObjectKey()).isEqualTo("objects/sha256/" + sha);
                    assertThat(e.getSizeBytes()).isEqualTo(content.length);
                    assertThat(e.getContainer()).isEqualTo("s3://" + bucket + "/" + run + "/raw");
                    assertThat(e.getOperations().get(0).getSucceeded()).isTrue();
                });
                assertThat(S3TestSupport.get(s3, run + "/raw/objects/sha256/" + sha)).isEqualTo(content);
            }
            // on an object store an upload appears whole, so objects go straight to their key: no temporary object
            assertThat(S3TestSupport.list(s3, run + "/raw/.tmp/")).as("no temporary objects").isEmpty();
        }
    }
}
