package dev.tributary.pipeline.edge;

import dev.tributary.sinks.redshift.EdgeAssetStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's status changes on {@code edge_assets} (written AVAILABLE by the edge flow). Every update moves a row
 * only to a higher status rank, the same guard the flow's MERGE uses, so concurrent tools and replays never
 * move a row back.
 */
public final class EdgeCatalog {

    /** An asset whose file the edge asked for, with what the broadcast said about it. */
    public record Row(String assetId, String objectKey, String sha256, String status) {}

    private EdgeCatalog() {}

    /** AVAILABLE → REQUESTING; false when the asset is unknown or already requested or delivered. */
    public static boolean request(Connection c, String assetId) throws SQLException {
        return advance(c, assetId, EdgeAssetStatus.REQUESTING) == 1;
    }

    /**
     * The REQUESTING rows, locked for this transaction; rows another publisher holds are skipped, so two
     * publishers never send the same row at once (and one that crashed releases its rows with its connection).
     */
    public static List<Row> claimRequesting(Connection c, int limit) throws SQLException {
        return rows(c, "SELECT asset_id, object_key, sha256, status FROM edge_assets WHERE status = 'REQUESTING'"
                + " ORDER BY asset_id LIMIT ? FOR UPDATE SKIP LOCKED", limit);
    }

    /** The rows whose request was sent and whose file is not local yet. */
    public static List<Row> requested(Connection c) throws SQLException {
        return rows(c, "SELECT asset_id, object_key, sha256, status FROM edge_assets WHERE status = 'REQUESTED'"
                + " ORDER BY asset_id LIMIT ?", Integer.MAX_VALUE);
    }

    /** Moves the row to {@code status} unless it is there or further already; returns the rows changed (0 or 1). */
    public static int advance(Connection c, String assetId, EdgeAssetStatus status) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE edge_assets SET status = ?, status_rank = ?,"
                + " updated_at = now() AT TIME ZONE 'UTC' WHERE asset_id = ? AND status_rank < ?")) {
            st.setString(1, status.name());
            st.setLong(2, status.rank());
            st.setString(3, assetId);
            st.setLong(4, status.rank());
            return st.executeUpdate();
        }
    }

    private static List<Row> rows(Connection c, String sql, int limit) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return rows;
    }
}
