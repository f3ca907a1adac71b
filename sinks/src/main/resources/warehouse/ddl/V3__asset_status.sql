-- Tributary warehouse schema, version 3 (applied once; WarehouseSchema records it in tributary_schema_history).
--
-- Every transition of every asset's lifecycle (the assets flow's assets.status events): ANNOUNCED, STORED, FAILED,
-- BROADCAST, REQUESTED, DELIVERED, EXPIRED. A fact per transition, keyed by what it is about (asset/state/request
-- or asset/state/version, never the time it was seen), so a replay writes nothing twice; an asset's state is its
-- latest transition.
CREATE TABLE IF NOT EXISTS asset_status (
    status_id      VARCHAR(1024)    NOT NULL,
    asset_id       VARCHAR(256)     NOT NULL,
    state          VARCHAR(16)      NOT NULL,
    at             TIMESTAMP        NOT NULL,
    request_id     VARCHAR(256),
    edge_id        VARCHAR(64),
    reason         VARCHAR(2048),
    object_key     VARCHAR(1024),
    size_bytes     BIGINT,
    content_type   VARCHAR(256),
    PRIMARY KEY (status_id)
);
