package dev.tributary.pipeline.flows;

/**
 * A valid input record on its way to the validated channel: the entity id it is ordered by and the record in
 * Avro single-object encoding (so consumers find its schema by fingerprint). A Flink POJO: no Kryo.
 */
public class ValidatedRecord {

    public String key;
    public byte[] value;
    /** {@link EventType#name()} of the record: the raw zone files it under its flow. */
    public String type;

    public ValidatedRecord() {}

    public ValidatedRecord(String key, byte[] value, String type) {
        this.key = key;
        this.value = value;
        this.type = type;
    }
}
