package dev.tributary.operators.codec;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reads these record classes with Avro's {@code FastReaderBuilder} (a reader compiled once per writer/reader
 * schema pair) instead of the interpreting {@code ResolvingDecoder}: 40–60 % less CPU per decoded record.
 * It is switched on the class's own model ({@code SpecificData.getForClass}), which the generated class, our
 * decoders and Flink's {@code AvroSerializer} (network shuffles and state) all share, so one call covers
 * every read of the type in this class loader. Idempotent and cheap; call it where records are read (an
 * operator's {@code open}), since the model lives in the job's class loader on the TaskManager. The cluster
 * also sets {@code -Dorg.apache.avro.fastread=true} (flink-conf/config.yaml), which covers every other type.
 *
 * <p>Free of Flink classes, so the codec also runs outside the job (the ingestion service).
 */
public final class FastAvroReads {

    private FastAvroReads() {}

    @SafeVarargs
    public static void enable(Class<? extends SpecificRecordBase>... types) {
        for (Class<? extends SpecificRecordBase> type : types) {
            SpecificData.getForClass(type).setFastReaderEnabled(true);
        }
    }
}
