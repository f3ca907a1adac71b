package dev.tributary.pipeline.config;

/** The flows of the job; each is switched on by the {@code flows} setting. */
public enum Flow {
    /** Every source topic decoded (JSON or Avro), validated, and republished as Avro on one channel. */
    INTEGRATION,
    TELEMETRY,
    ASSETS,
    OBSERVATIONS,
    LAKE,
    /** An edge's own job: HQ's replicated broadcast into the edge catalog table edge_assets. */
    EDGE
}
