-- The shop: an operational database whose customers table Debezium streams into Kafka (bin/stack's connect
-- service). Run by bin/stack against the database `shop` as its owner; idempotent.
CREATE TABLE IF NOT EXISTS customers (
    customer_id varchar(128) PRIMARY KEY,
    name        varchar(256) NOT NULL,
    email       varchar(256),
    tier        varchar(32),
    version     bigint       NOT NULL DEFAULT 1,
    updated_at  timestamptz  NOT NULL DEFAULT now()
);
-- what Debezium reads: this table's changes (pgoutput). Created here by the owner, so the CDC role needs no
-- ownership of the table (publication.autocreate.mode=disabled).
SELECT 'CREATE PUBLICATION tributary_shop FOR TABLE customers'
WHERE NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'tributary_shop') \gexec
