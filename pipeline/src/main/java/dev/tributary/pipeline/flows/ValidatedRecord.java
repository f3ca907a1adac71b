package dev.tributary.pipeline.flows;

/**
 * A valid input record on its way to the validated channel: the entity id it is ordered by and the record in
 * Avro single-object encoding (so consumers find its schema by fingerprint). A Flink POJO: no Kryo.
 */
public class ValidatedRecord {

    public String key;
    public byte[] value;

    public ValidatedRecord() {}

    public ValidatedRecord(String key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}
