package dev.tributary.ingest.lake;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tributary.ingest.Drain;
import dev.tributary.operators.assets.MediaSniffer;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.operators.lake.UploadSidecar;

import io.javalin.http.Context;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * The lake's HTTP door, on the ingestion service (same API keys):
 * <ul>
 *   <li>{@code POST /v1/lake/uploads?name=&owner=&tags=&description=} with the file as the body: streamed to a
 *       temporary file (bounded, hashed, its type sniffed from its first bytes), then written into the landing area
 *       under {@code uploads/<uploadId>/<name>}, its metadata ({@link UploadSidecar}) first, beside it. The lake flow
 *       stores it in the raw zone under its content address and catalogues it with that metadata. 201 names the
 *       upload id, sha256 and the object key it will have.</li>
 *   <li>{@code GET /v1/lake/uploads/<uploadId>}: the upload's metadata, and whether the lake flow has stored it;
 *       {@code GET /v1/lake/uploads/<uploadId>/content}: its stored bytes.</li>
 *   <li>{@code GET /v1/lake/objects/objects/sha256/<hex>}: a stored object of the raw zone by its key (the catalog's
 *       {@code objectKey}, which is also its catalog document id).</li>
 * </ul>
 * Listing and search are the query API's {@code /catalog?q=}. Errors are JSON {@code {"code", "reason"}}: 400
 * (bad metadata, empty body), 403 (an owner the lake does not know), 404, 413 (too large), 503 (the object store).
 *
 * <p>Written here rather than with S3's presigned uploads: a presigned PUT takes any bytes of any size under any
 * name, with no owner check, no sniffing and no metadata the lake flow could trust.
 */
public final class LakeDoor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LakeDoor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OBJECT_KEY = Pattern.compile(ObjectKeys.RAW_OBJECTS + "/sha256/[0-9a-f]{64}");
    private static final long SWALLOW_BYTES = 2 * 1024 * 1024;
    private static final String UPLOADS = "uploads";

    private final LakeDoorSettings settings;
    private final S3Client s3;
    private final IntConsumer responses;
    private final java.util.function.ObjLongConsumer<String> landed;
    private final Path tempDir;

    /**
     * @param responses told every answer's HTTP status
     * @param landed    told each landed upload's owner and size
     */
    public LakeDoor(LakeDoorSettings settings, IntConsumer responses, java.util.function.ObjLongConsumer<String> landed)
            throws IOException {
        this.settings = settings;
        this.responses = responses;
        this.landed = landed;
        this.tempDir = Files.createTempDirectory("tributary-lake-uploads-");
        S3ClientBuilder builder = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(settings.s3AccessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.s3AccessKey(), settings.s3SecretKey())));
        if (!settings.s3Endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(settings.s3Endpoint()));
        }
        this.s3 = builder.build();
    }

    /** {@code POST /v1/lake/uploads}. */
    public void upload(Context ctx) throws IOException {
        String uploadId = UUID.randomUUID().toString().replace("-", "");
        String name = ctx.queryParam("name");
        String owner = ctx.queryParam("owner");
        List<String> tags = tags(ctx.queryParam("tags"));
        String description = ctx.queryParam("description");
        try (InputStream body = ctx.bodyInputStream()) {
            List<String> problems = UploadSidecar.problems(uploadId, owner, name, tags, description);
            if (!problems.isEmpty()) {
                Drain.atMost(body, SWALLOW_BYTES);
                answer(ctx, 400, "INVALID_METADATA", String.join("; ", problems));
                return;
            }
            if (!settings.owners().contains(owner)) {
                Drain.atMost(body, SWALLOW_BYTES);
                answer(ctx, 403, "UNKNOWN_OWNER", "owner '" + owner + "' is not one of the lake's owners " + settings.owners());
                return;
            }
            long declared = ctx.contentLength();
            if (declared > settings.maxUploadBytes()) {
                if (declared <= settings.maxUploadBytes() + SWALLOW_BYTES) {
                    Drain.atMost(body, declared);
                }
                answer(ctx, 413, "TOO_LARGE", "the upload of " + declared + " bytes is larger than the limit of "
                        + settings.maxUploadBytes() + " bytes");
                return;
            }
            Path file = Files.createTempFile(tempDir, "upload-", ".part");
            try {
                Received received = receive(body, file);
                if (received.size() > settings.maxUploadBytes()) {
                    Drain.atMost(body, SWALLOW_BYTES);
                    answer(ctx, 413, "TOO_LARGE", "the upload is larger than the limit of " + settings.maxUploadBytes() + " bytes");
                    return;
                }
                if (received.size() == 0) {
                    answer(ctx, 400, "EMPTY_UPLOAD", "the body is empty: send the file's bytes as the request body");
                    return;
                }
                String contentType = MediaSniffer.contentTypeOf(received.head(), received.headLength(), name);
                UploadSidecar sidecar = new UploadSidecar(uploadId, owner, name, tags, description, received.sha256(),
                        received.size(), contentType, Instant.now());
                store(sidecar, file);
                landed.accept(owner, received.size());
                LOG.info("lake door: upload {} of {} ({} bytes, {}, sha256 {}) for {} landed", uploadId, name,
                        received.size(), contentType, received.sha256(), owner);
                answer(ctx, 201, describe(sidecar, false));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (SdkException e) {
            LOG.warn("lake door: the object store refused an upload: {}", e.toString());
            answer(ctx, 503, "STORE_UNAVAILABLE", "the object store is unavailable; nothing was stored, send it again");
        }
    }

    /** {@code GET /v1/lake/uploads/<uploadId>}. */
    public void uploadInfo(Context ctx) {
        Optional<UploadSidecar> upload = sidecar(ctx, ctx.pathParam("uploadId"));
        upload.ifPresent(u -> answer(ctx, 200, describe(u, exists(rawKey(u.sha256())))));
    }

    /** {@code GET /v1/lake/uploads/<uploadId>/content}. */
    public void uploadContent(Context ctx) throws IOException {
        Optional<UploadSidecar> upload = sidecar(ctx, ctx.pathParam("uploadId"));
        if (upload.isPresent()) {
            UploadSidecar u = upload.get();
            if (!exists(rawKey(u.sha256()))) {
                ctx.header("Retry-After", "10");
                answer(ctx, 404, "NOT_STORED_YET", "upload " + u.uploadId() + " has landed; the lake flow has not stored it yet");
                return;
            }
            stream(ctx, rawKey(u.sha256()), u.originalName(), u.contentType());
        }
    }

    /** {@code GET /v1/lake/objects/<objectKey>}. */
    public void object(Context ctx) throws IOException {
        String key = ctx.pathParam("key");
        if (!OBJECT_KEY.matcher(key).matches()) {
            answer(ctx, 400, "INVALID_KEY", "an object key of the raw zone is objects/sha256/<64 hex digits> (the catalog's objectKey)");
            return;
        }
        stream(ctx, prefixed(LakeDoorSettings.prefix(settings.rawZone()), key), key.substring(key.lastIndexOf('/') + 1), null);
    }

    /**
     * Streams a raw zone object. Its type: the one sniffed at upload when known, else what the store says, else
     * sniffed from its first bytes now (the landing reader writes through Flink's file system, which sets none).
     */
    private void stream(Context ctx, String key, String fileName, String knownType) throws IOException {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(LakeDoorSettings.bucket(settings.rawZone())).key(key));
        } catch (NoSuchKeyException e) {
            answer(ctx, 404, "NOT_FOUND", "no stored object " + key.substring(key.indexOf(ObjectKeys.RAW_OBJECTS)));
            return;
        } catch (SdkException e) {
            LOG.warn("lake door: reading {} failed: {}", key, e.toString());
            answer(ctx, 503, "STORE_UNAVAILABLE", "the object store is unavailable");
            return;
        }
        GetObjectResponse object = in.response();
        java.io.BufferedInputStream body = new java.io.BufferedInputStream(in, 64 * 1024);
        String type = knownType;
        if (type == null) {
            type = object.contentType();
            if (type == null || type.isBlank() || type.equals("application/octet-stream")) {
                body.mark(MediaSniffer.PREFIX_LENGTH);
                byte[] head = body.readNBytes(MediaSniffer.PREFIX_LENGTH);
                body.reset();
                type = MediaSniffer.contentTypeOf(head, head.length, fileName);
            }
        }
        responses.accept(200);
        ctx.status(200).contentType(type)
                .header("Content-Length", String.valueOf(object.contentLength()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "attachment; filename=\"" + fileName.replace("\"", "") + "\"")
                .result(body); // Javalin streams it and closes it
    }

    private Optional<UploadSidecar> sidecar(Context ctx, String uploadId) {
        if (!UploadSidecar.UPLOAD_ID.matcher(uploadId).matches()) {
            answer(ctx, 400, "INVALID_UPLOAD_ID", "an upload id is 32 lower-case hex digits");
            return Optional.empty();
        }
        String bucket = LakeDoorSettings.bucket(settings.landing());
        String folder = prefixed(LakeDoorSettings.prefix(settings.landing()), UPLOADS + "/" + uploadId + "/");
        try {
            Optional<String> key = s3.listObjectsV2(b -> b.bucket(bucket).prefix(folder).maxKeys(10)).contents().stream()
                    .map(S3Object::key).filter(k -> k.substring(folder.length()).startsWith("_") && k.endsWith(".meta.json"))
                    .findFirst();
            if (key.isEmpty()) {
                answer(ctx, 404, "NOT_FOUND", "no upload " + uploadId);
                return Optional.empty();
            }
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key.get())).asByteArray();
            return Optional.of(UploadSidecar.parse(json));
        } catch (SdkException e) {
            LOG.warn("lake door: reading upload {} failed: {}", uploadId, e.toString());
            answer(ctx, 503, "STORE_UNAVAILABLE", "the object store is unavailable");
            return Optional.empty();
        }
    }

    private void store(UploadSidecar sidecar, Path file) {
        String bucket = LakeDoorSettings.bucket(settings.landing());
        String folder = prefixed(LakeDoorSettings.prefix(settings.landing()), UPLOADS + "/" + sidecar.uploadId() + "/");
        // the metadata first: when the landing source lists the file, its metadata is there
        s3.putObject(b -> b.bucket(bucket).key(folder + UploadSidecar.sidecarName(sidecar.originalName()))
                .contentType("application/json"), RequestBody.fromBytes(sidecar.toJson()));
        s3.putObject(b -> b.bucket(bucket).key(folder + sidecar.originalName()).contentType(sidecar.contentType())
                .metadata(Map.of("sha256", sidecar.sha256())), RequestBody.fromFile(file));
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(LakeDoorSettings.bucket(settings.rawZone())).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private String rawKey(String sha256) {
        return prefixed(LakeDoorSettings.prefix(settings.rawZone()), ObjectKeys.contentAddressed(ObjectKeys.RAW_OBJECTS, sha256));
    }

    private Map<String, Object> describe(UploadSidecar u, boolean stored) {
        String objectKey = ObjectKeys.contentAddressed(ObjectKeys.RAW_OBJECTS, u.sha256());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uploadId", u.uploadId());
        body.put("name", u.originalName());
        body.put("owner", u.owner());
        body.put("tags", u.tags());
        body.put("description", u.description());
        body.put("sizeBytes", u.sizeBytes());
        body.put("sha256", u.sha256());
        body.put("contentType", u.contentType());
        body.put("uploadedAt", u.uploadedAt().toString());
        body.put("landed", settings.landing().toString().replaceAll("/+$", "") + "/" + UPLOADS + "/" + u.uploadId() + "/" + u.originalName());
        body.put("objectKey", objectKey);
        body.put("stored", stored);
        body.put("content", "/v1/lake/uploads/" + u.uploadId() + "/content");
        body.put("object", "/v1/lake/objects/" + objectKey);
        return body;
    }

    /** The bytes of a body, hashed and counted on their way to {@code file}; stops one byte past the limit. */
    private Received receive(InputStream body, Path file) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] head = new byte[MediaSniffer.PREFIX_LENGTH];
        int headLength = 0;
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new DigestInputStream(body, digest); OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (headLength < head.length) {
                    int take = Math.min(n, head.length - headLength);
                    System.arraycopy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                size += n;
                if (size > settings.maxUploadBytes()) {
                    return new Received(size, null, head, headLength);
                }
                out.write(buffer, 0, n);
            }
        }
        return new Received(size, Sha256.hex(digest), head, headLength);
    }

    private record Received(long size, String sha256, byte[] head, int headLength) {}

    private static List<String> tags(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
    }

    private static String prefixed(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }


    private void answer(Context ctx, int status, String code, String reason) {
        answer(ctx, status, Map.of("code", code, "reason", reason));
    }

    private void answer(Context ctx, int status, Object body) {
        responses.accept(status);
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
        try (var files = Files.list(tempDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(tempDir);
        } catch (IOException e) {
            LOG.debug("lake door: temporary folder {} left: {}", tempDir, e.toString());
        }
    }
}
