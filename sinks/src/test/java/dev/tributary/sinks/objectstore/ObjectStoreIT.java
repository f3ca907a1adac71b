package dev.tributary.sinks.objectstore;

import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

/** {@link S3ObjectStore} against the local stack's S3Proxy, held to {@link ObjectStoreContract}. */
class ObjectStoreIT {

    @TempDir
    Path temp;

    static ObjectStoreConfig s3() {
        return ObjectStoreConfig.s3(StackEnv.s3Bucket(), StackEnv.s3Endpoint(), "us-east-1", true,
                StackEnv.s3AccessKey(), StackEnv.s3SecretKey());
    }

    @Test
    void putHeadCopyGetOpenList() throws Exception {
        try (ObjectStore store = s3().open()) {
            ObjectStoreContract.putHeadCopyGetOpenList(store, "it-objectstore/" + UUID.randomUUID() + "/", temp);
        }
    }

    @Test
    void rewritingTheSameContentAddressedKeyKeepsOneObject() throws Exception {
        try (ObjectStore store = s3().open()) {
            ObjectStoreContract.rewritingTheSameContentAddressedKeyKeepsOneObject(store);
        }
    }
}
