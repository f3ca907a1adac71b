-- Tributary warehouse schema, version 4 (applied once; WarehouseSchema records it in tributary_schema_history).
--
-- The edge's catalog keeps each asset's thumbnail (made at HQ, carried by the broadcast) so the field team's
-- console shows what it may ask for without pulling the file over the link. A data: URI of at most 24 KiB of
-- image bytes (32 KiB as base64): within Redshift's largest VARCHAR. NULL for rows broadcast before version 4.
ALTER TABLE edge_assets ADD COLUMN thumbnail VARCHAR(65535);
