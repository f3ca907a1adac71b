package dev.tributary.tools.edge;

import dev.tributary.sinks.redshift.EdgeAssetStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's status changes on {@code edge_assets} (written AVAILABLE by the edge flow, FAILED/EXPIRED by it when HQ
 * answers so). Every update moves a row only to a higher status rank, the same guard the flow's writes use, so
 * concurrent tools and replays never move a row back; a request made again after FAILED/EXPIRED starts the next
 * attempt ({@link EdgeAssetStatus#rankIn}).
 */
public final class EdgeCatalog {

    /** An asset whose file the edge asked for, with what the broadcast said about it. */
    public record Row(String assetId, String objectKey, String sha256, String status, long statusRank) {

        /**
         * The request attempt this row's request belongs to. A row set REQUESTING by plain SQL keeps the rank of
         * its previous status: from REQUESTED or a final status (FAILED, EXPIRED, DELIVERED) that is a new attempt,
         * so HQ sees a new request id rather than a repeat it would ignore.
         */
        public long requestAttempt() {
            long attempt = statusRank / EdgeAssetStatus.ATTEMPT_STRIDE;
            long stage = statusRank % EdgeAssetStatus.ATTEMPT_STRIDE;
            return stage >= EdgeAssetStatus.REQUESTED.rank() ? attempt + 1 : attempt;
        }
    }

    private EdgeCatalog() {}

    /**
     * AVAILABLE → REQUESTING, or FAILED/EXPIRED → REQUESTING in the next attempt; false when the asset is unknown,
     * being requested or delivered.
     */
    public static boolean request(Connection c, String assetId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE edge_assets SET status = 'REQUESTING',"
                + " status_rank = (status_rank / ? + CASE WHEN status = 'AVAILABLE' THEN 0 ELSE 1 END) * ? + ?,"
                + " updated_at = now() AT TIME ZONE 'UTC'"
                + " WHERE asset_id = ? AND status IN ('AVAILABLE', 'FAILED', 'EXPIRED')")) {
            st.setLong(1, EdgeAssetStatus.ATTEMPT_STRIDE);
            st.setLong(2, EdgeAssetStatus.ATTEMPT_STRIDE);
            st.setLong(3, EdgeAssetStatus.REQUESTING.rank());
            st.setString(4, assetId);
            return st.executeUpdate() == 1;
        }
    }

    /**
     * The REQUESTING rows, locked for this transaction; rows another publisher holds are skipped, so two
     * publishers never send the same row at once (and one that crashed releases its rows with its connection).
     */
    public static List<Row> claimRequesting(Connection c, int limit) throws SQLException {
        return rows(c, "SELECT asset_id, object_key, sha256, status, status_rank FROM edge_assets WHERE status = 'REQUESTING'"
                + " ORDER BY asset_id LIMIT ? FOR UPDATE SKIP LOCKED", limit);
    }

    /** The rows whose request was sent and whose file is not local yet. */
    public static List<Row> requested(Connection c) throws SQLException {
        return rows(c, "SELECT asset_id, object_key, sha256, status, status_rank FROM edge_assets WHERE status = 'REQUESTED'"
                + " ORDER BY asset_id LIMIT ?", Integer.MAX_VALUE);
    }

    /**
     * Moves the row to {@code status} of request attempt {@code attempt} unless it is there or further already
     * (including a later attempt); returns the rows changed (0 or 1).
     */
    public static int advance(Connection c, String assetId, EdgeAssetStatus status, long attempt) throws SQLException {
        long rank = status.rankIn(attempt);
        try (PreparedStatement st = c.prepareStatement("UPDATE edge_assets SET status = ?, status_rank = ?,"
                + " updated_at = now() AT TIME ZONE 'UTC' WHERE asset_id = ? AND status_rank < ?")) {
            st.setString(1, status.name());
            st.setLong(2, rank);
            st.setString(3, assetId);
            st.setLong(4, rank);
            return st.executeUpdate();
        }
    }

    private static List<Row> rows(Connection c, String sql, int limit) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
            }
        }
        return rows;
    }
}
