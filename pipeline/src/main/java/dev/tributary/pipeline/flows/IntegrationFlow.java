package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.events.RawEvent;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.pipeline.config.Flow;
import dev.tributary.pipeline.config.JobSettings;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The integration flow: Kafka as the one channel between every source and every destination. Each input
 * topic, JSON or Avro, is decoded and validated; rejects go to the dead-letter topic with their reason; valid
 * records are republished as Avro (single-object encoding) on the validated topic, keyed by entity id so
 * order per id holds, exactly once. With the lake flow enabled, the same records also land in the raw zone
 * (see {@link RawEnvelope}).
 */
public final class IntegrationFlow implements FlowGraph {

    public static final String FLOW = "integration";

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        List<DataStream<ValidatedRecord>> validated = new ArrayList<>();
        for (EventType<?> type : EventType.ALL) {
            add(context, type, validated);
        }

        DataStream<ValidatedRecord> all = validated.get(0).union(validated.subList(1, validated.size())
                .toArray(DataStream[]::new));
        all.keyBy(r -> r.key)
                .sinkTo(context.sinks().kafka("validated", context.settings().get(JobSettings.TOPIC_VALIDATED),
                        r -> r.key.getBytes(StandardCharsets.UTF_8), r -> r.value))
                .uid(FLOW + "-validated-sink").name("Kafka " + context.settings().get(JobSettings.TOPIC_VALIDATED));

        if (context.settings().get(JobSettings.FLOWS).contains(Flow.LAKE)) {
            // the lake flow's raw zone: every valid input record, as files partitioned by flow/date/hour
            all.map(new RawEnvelope()).returns(AvroTypes.of(RawEvent.class))
                    .uid(FLOW + "-raw-envelope").name("Wrap as RawEvent")
                    .sinkTo(context.sinks().rawZone())
                    .uid(FLOW + "-raw-zone-sink").name("Raw zone " + context.settings().get(JobSettings.LAKE_RAW_ZONE));
        }

        return List.of();
    }

    private static <T extends SpecificRecordBase> void add(FlowContext context, EventType<T> type,
            List<DataStream<ValidatedRecord>> validated) {
        EventType.Id<T> id = type.id();
        String typeName = type.name();
        AvroEventSerializer<T> encoder = new AvroEventSerializer<>(type.type());
        validated.add(context.inputs().records(type)
                .map(r -> new ValidatedRecord(id.apply(r), encoder.serialize(r), typeName))
                .returns(TypeInformation.of(ValidatedRecord.class))
                .uid(FLOW + "-" + type.name() + "-encode").name("Encode " + type.type().getSimpleName() + " as Avro"));
    }
}
