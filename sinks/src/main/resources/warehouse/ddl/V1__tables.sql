-- Tributary warehouse tables, version 1.
-- PostgreSQL 15+ and Amazon Redshift accept every statement here: no SERIAL, no arrays, no JSON types
-- (nested values are JSON text), TIMESTAMP holds UTC wall-clock time. Primary keys are declared for the
-- planner and for readers; Redshift does not enforce them, so the sink's MERGE (key + version guard) is
-- what keeps one row per key. Applied at writer start by WarehouseSchema; every statement is idempotent.
-- Must match dev.tributary.sinks.redshift.WarehouseTables (WarehouseSchemaIT compares them).

CREATE TABLE IF NOT EXISTS readings (
    device_id      VARCHAR(128)     NOT NULL,
    seq            BIGINT           NOT NULL,
    event_time     TIMESTAMP        NOT NULL,
    battery_pct    DOUBLE PRECISION NOT NULL,
    temperature_c  DOUBLE PRECISION NOT NULL,
    speed_kmh      DOUBLE PRECISION NOT NULL,
    latitude       DOUBLE PRECISION,
    longitude      DOUBLE PRECISION,
    error_code     VARCHAR(256),
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE IF NOT EXISTS customers (
    customer_id    VARCHAR(128)     NOT NULL,
    name           VARCHAR(512)     NOT NULL,
    email          VARCHAR(320),
    tier           VARCHAR(64),
    version        BIGINT           NOT NULL,
    updated_at     TIMESTAMP        NOT NULL,
    PRIMARY KEY (customer_id)
);

CREATE TABLE IF NOT EXISTS trips (
    trip_id          VARCHAR(128)     NOT NULL,
    hoverboard_id    VARCHAR(128)     NOT NULL,
    customer_id      VARCHAR(128)     NOT NULL,
    started_at       TIMESTAMP        NOT NULL,
    ended_at         TIMESTAMP,
    distance_km      DOUBLE PRECISION,
    version          BIGINT           NOT NULL,
    customer_name    VARCHAR(512),
    customer_tier    VARCHAR(64),
    last_battery_pct DOUBLE PRECISION,
    last_reading_seq BIGINT,
    PRIMARY KEY (trip_id)
);

CREATE TABLE IF NOT EXISTS alerts (
    alert_id       VARCHAR(256)     NOT NULL,
    device_id      VARCHAR(128)     NOT NULL,
    kind           VARCHAR(64)      NOT NULL,
    severity       VARCHAR(16)      NOT NULL,
    message        VARCHAR(4096)    NOT NULL,
    event_time     TIMESTAMP        NOT NULL,
    reading_seq    BIGINT,
    PRIMARY KEY (alert_id)
);

CREATE TABLE IF NOT EXISTS observation_counts (
    window_id         VARCHAR(128)  NOT NULL,
    window_start      TIMESTAMP     NOT NULL,
    window_end        TIMESTAMP     NOT NULL,
    dimension         VARCHAR(32)   NOT NULL,
    dimension_value   VARCHAR(512)  NOT NULL,
    observation_count BIGINT        NOT NULL,
    PRIMARY KEY (window_id, dimension, dimension_value)
);

CREATE TABLE IF NOT EXISTS observations (
    occurrence_id   VARCHAR(256)     NOT NULL,
    source          VARCHAR(32)      NOT NULL,
    kingdom         VARCHAR(128)     NOT NULL,
    scientific_name VARCHAR(512)     NOT NULL,
    species         VARCHAR(512),
    event_time      TIMESTAMP        NOT NULL,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    country_code    VARCHAR(8),
    basis_of_record VARCHAR(64),
    PRIMARY KEY (occurrence_id)
);

CREATE TABLE IF NOT EXISTS catalog_entries (
    object_key      VARCHAR(1024)    NOT NULL,
    container       VARCHAR(256)     NOT NULL,
    content_type    VARCHAR(256),
    owner           VARCHAR(256)     NOT NULL,
    original_name   VARCHAR(1024),
    size_bytes      BIGINT,
    sha256          VARCHAR(64),
    created_at      TIMESTAMP        NOT NULL,
    modified_at     TIMESTAMP        NOT NULL,
    version         BIGINT           NOT NULL,
    operations_json VARCHAR(65535)   NOT NULL,
    attributes_json VARCHAR(65535)   NOT NULL,
    PRIMARY KEY (object_key)
);

CREATE TABLE IF NOT EXISTS edge_assets (
    asset_id        VARCHAR(256)     NOT NULL,
    title           VARCHAR(1024)    NOT NULL,
    media_type      VARCHAR(256)     NOT NULL,
    size_bytes      BIGINT           NOT NULL,
    object_key      VARCHAR(1024)    NOT NULL,
    sha256          VARCHAR(64)      NOT NULL,
    status          VARCHAR(16)      NOT NULL,
    status_rank     BIGINT           NOT NULL,
    updated_at      TIMESTAMP        NOT NULL,
    PRIMARY KEY (asset_id)
);
