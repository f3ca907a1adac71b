package dev.tributary.tools.edge;

import dev.tributary.events.AssetRequest;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.sinks.redshift.EdgeAssetStatus;
import dev.tributary.sinks.redshift.EdgeRequestId;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes the edge's REQUESTING rows as {@link AssetRequest}s on the edge's assets.requested topic and marks
 * them REQUESTED, in one database transaction per batch: the rows stay locked until every send is acknowledged,
 * and a failure before the commit leaves them REQUESTING, to be sent again. A request is therefore published at
 * least once; its requestId is derived from edge, asset and request attempt ({@link EdgeRequestId}), so a repeat
 * carries the same id and HQ's assets flow (which answers each requestId once) ignores it, while a request made
 * again after a FAILED or EXPIRED answer is a new one.
 */
public final class RequestPublisher {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String edgeId;
    private final Clock clock;
    private final AvroEventSerializer<AssetRequest> serializer = new AvroEventSerializer<>(AssetRequest.class);

    public RequestPublisher(Producer<byte[], byte[]> producer, String topic, String edgeId, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.edgeId = edgeId;
        this.clock = clock;
    }

    /** Publishes one batch of at most {@code limit} rows; returns how many were published and marked. */
    public int publishBatch(Connection c, int limit) throws SQLException, InterruptedException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<EdgeCatalog.Row> rows = EdgeCatalog.claimRequesting(c, limit);
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (EdgeCatalog.Row row : rows) {
                String requestId = new EdgeRequestId(edgeId, row.assetId(), row.requestAttempt()).toString();
                AssetRequest request = AssetRequest.newBuilder().setRequestId(requestId)
                        .setEdgeId(edgeId).setAssetId(row.assetId()).setRequestedAt(clock.instant()).build();
                sends.add(producer.send(new ProducerRecord<>(topic,
                        row.assetId().getBytes(StandardCharsets.UTF_8), serializer.serialize(request))));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
            for (EdgeCatalog.Row row : rows) {
                EdgeCatalog.advance(c, row.assetId(), EdgeAssetStatus.REQUESTED, row.requestAttempt());
            }
            c.commit();
            return rows.size();
        } catch (ExecutionException e) {
            c.rollback();
            throw new SQLException("publishing requests to " + topic + " failed; the rows stay REQUESTING", e.getCause());
        } catch (SQLException | RuntimeException | InterruptedException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
