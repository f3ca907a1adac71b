package dev.tributary.tools.edge.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What the console reads from the edge's catalog ({@code edge_assets}): the tiles, a tile's thumbnail, and the
 * row a viewer or a request needs. Writes go through {@link dev.tributary.tools.edge.EdgeCatalog}, the path
 * {@code bin/edge} takes.
 */
final class CatalogView {

    /**
     * One tile. {@code thumbnailVersion} changes when the thumbnail does (a cache key); null when there is none. It is
     * the asset's sha256: HQ makes the thumbnail from the asset's bytes alone, so other bytes are the only way to
     * another thumbnail, and hashing every thumbnail at every refresh is not needed.
     */
    record Tile(String assetId, String title, String mediaType, long sizeBytes, String status, String updatedAt,
                String thumbnailVersion) {}

    /** The fields a viewer needs. */
    record Asset(String assetId, String mediaType, String objectKey, String sha256, String status) {}

    /** A decoded thumbnail. */
    record Image(String contentType, byte[] bytes) {}

    static final int MAX_TILES = 500;

    private CatalogView() {}

    /** The newest tiles first, at most {@code limit}. */
    static List<Tile> tiles(Connection c, int limit) throws SQLException {
        List<Tile> tiles = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT asset_id, title, media_type, size_bytes, status, updated_at,"
                + " CASE WHEN thumbnail IS NULL THEN NULL ELSE sha256 END"
                + " FROM edge_assets ORDER BY updated_at DESC, asset_id LIMIT ?")) {
            st.setInt(1, Math.min(limit, MAX_TILES));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(6);
                    tiles.add(new Tile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            at == null ? null : at.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC).toString(), rs.getString(7)));
                }
            }
        }
        return tiles;
    }

    static Optional<Asset> asset(Connection c, String assetId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT asset_id, media_type, object_key, sha256, status FROM edge_assets WHERE asset_id = ?")) {
            st.setString(1, assetId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new Asset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))) : Optional.empty();
            }
        }
    }

    /** The asset's thumbnail, decoded from the data URI the edge flow stored; empty when it has none. */
    static Optional<Image> thumbnail(Connection c, String assetId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT thumbnail FROM edge_assets WHERE asset_id = ?")) {
            st.setString(1, assetId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? decode(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** {@code data:<type>;base64,<bytes>}; anything else (or an image type that is not one) is no thumbnail. */
    static Optional<Image> decode(String dataUri) {
        if (dataUri == null || !dataUri.startsWith("data:image/")) {
            return Optional.empty();
        }
        int marker = dataUri.indexOf(";base64,");
        if (marker < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Image(dataUri.substring("data:".length(), marker),
                    Base64.getDecoder().decode(dataUri.substring(marker + ";base64,".length()))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
