package dev.tributary.sinks.objectstore;

import dev.tributary.operators.assets.Sha256;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@link ObjectStore} on the S3 API (AWS, or S3-compatible stores such as S3Proxy and MinIO) with the async client. */
public final class S3ObjectStore implements ObjectStore {

    /** User metadata key holding the hex sha256 (S3 ETags are not digests for multipart or encrypted objects). */
    static final String SHA256_METADATA = "sha256";

    private final S3AsyncClient client;
    private final String bucket;

    S3ObjectStore(ObjectStoreConfig config) {
        this.bucket = config.location().getHost();
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .region(Region.of(config.region().isEmpty() ? "us-east-1" : config.region()))
                .forcePathStyle(config.pathStyle())
                // S3-compatible stores do not all understand the SDK's default trailing CRC checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(config));
        if (!config.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        this.client = builder.build();
    }

    private static AwsCredentialsProvider credentials(ObjectStoreConfig config) {
        return config.accessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }

    @Override
    public String container() {
        return bucket;
    }

    @Override
    public CompletableFuture<ObjectInfo> putFile(String key, Path file, String contentType, String sha256) {
        long size = file.toFile().length();
        return client.putObject(put(key, contentType, sha256), AsyncRequestBody.fromFile(file))
                .thenApply(r -> new ObjectInfo(key, size, contentType, sha256));
    }

    @Override
    public CompletableFuture<ObjectInfo> putBytes(String key, byte[] bytes, String contentType) {
        String sha256 = Sha256.hex(bytes);
        return client.putObject(put(key, contentType, sha256), AsyncRequestBody.fromBytes(bytes))
                .thenApply(r -> new ObjectInfo(key, bytes.length, contentType, sha256));
    }

    private PutObjectRequest put(String key, String contentType, String sha256) {
        return PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .metadata(Map.of(SHA256_METADATA, sha256)).build();
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> head(String key) {
        return client.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build())
                .handle((r, e) -> {
                    if (e == null) {
                        return Optional.of(info(key, r));
                    }
                    if (isNotFound(e)) {
                        return Optional.empty();
                    }
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
    }

    private static ObjectInfo info(String key, HeadObjectResponse r) {
        return new ObjectInfo(key, r.contentLength(), r.contentType(), r.metadata().get(SHA256_METADATA));
    }

    @Override
    public CompletableFuture<ObjectInfo> copy(String sourceKey, String targetKey) {
        return client.copyObject(CopyObjectRequest.builder().sourceBucket(bucket).sourceKey(sourceKey)
                        .destinationBucket(bucket).destinationKey(targetKey).build())
                .thenCompose(r -> head(targetKey))
                .thenApply(o -> o.orElseThrow(() -> new NoSuchElementException("copied object " + targetKey + " is missing")));
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return client.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(), AsyncResponseTransformer.toBytes())
                .handle((r, e) -> {
                    if (e == null) {
                        return r.asByteArray();
                    }
                    if (isNotFound(e)) {
                        throw new CompletionException(new NoSuchElementException("no object " + key + " in " + bucket));
                    }
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
    }

    @Override
    public CompletableFuture<java.io.InputStream> open(String key) {
        return client.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(),
                        AsyncResponseTransformer.toBlockingInputStream())
                .handle((r, e) -> {
                    if (e == null) {
                        return (java.io.InputStream) r;
                    }
                    if (isNotFound(e)) {
                        throw new CompletionException(new NoSuchElementException("no object " + key + " in " + bucket));
                    }
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
    }

    @Override
    public CompletableFuture<List<String>> list(String prefix) {
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        return client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().subscribe(o -> keys.add(o.key()))
                .thenApply(v -> keys.stream().sorted().toList());
    }

    static boolean isNotFound(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    @Override
    public void close() {
        client.close();
    }
}
