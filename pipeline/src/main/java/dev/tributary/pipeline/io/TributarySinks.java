package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.RawEvent;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.config.InvalidSettingsException;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.deadletter.DeadLetterChannel;
import dev.tributary.sinks.deadletter.KafkaDeadLetterChannel;
import dev.tributary.sinks.kafka.KafkaSinks;
import dev.tributary.sinks.metrics.EndToEndLatency;
import dev.tributary.sinks.rawzone.RawZoneSink;
import dev.tributary.sinks.redshift.WarehouseSink;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.search.DocumentMapper;
import dev.tributary.sinks.search.SearchSinkBuilder;
import dev.tributary.sinks.search.SearchSink;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;

import java.util.List;

/**
 * The production sinks, configured from {@link JobSettings}. Every sink is measured: an operator chained in front of
 * its writer records the
 * end-to-end latency histogram {@value EndToEndLatency#METRIC} (Kafka record timestamp to sink write).
 */
public class TributarySinks implements Sinks {

    private final JobSettings settings;

    public TributarySinks(JobSettings settings) {
        this.settings = settings;
    }

    protected KafkaSinks.Target kafkaTarget() {
        return new KafkaSinks.Target(settings.kafkaClientProperties(),
                settings.get(JobSettings.KAFKA_TX_PREFIX), settings.get(JobSettings.KAFKA_TX_TIMEOUT),
                settings.get(JobSettings.TOPIC_DEAD_LETTER));
    }

    /** Where sink writers put the records their servers refuse: the dead-letter topic. */
    protected DeadLetterChannel.Factory deadLetterChannel() {
        return KafkaDeadLetterChannel.factory(settings.kafkaClientProperties(), settings.get(JobSettings.TOPIC_DEAD_LETTER));
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return kafka("dead-letter", settings.get(JobSettings.TOPIC_DEAD_LETTER),
                KafkaDeadLetterChannel::keyOf, new AvroEventSerializer<>(DeadLetter.class));
    }

    @Override
    public <T> Sink<T> kafka(String sinkName, String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
        return EndToEndLatency.measured(KafkaSinks.exactlyOnce(kafkaTarget(), sinkName, topic, key, value), "kafka-" + sinkName);
    }

    @Override
    public <T> Sink<T> warehouse(String flow, String operatorUid, List<WarehouseTable<? extends T>> tables) {
        String password = settings.get(JobSettings.WAREHOUSE_PASSWORD);
        if (password.isEmpty()) {
            throw new InvalidSettingsException(List.of("setting 'warehouse.password' is empty but flow '" + flow
                    + "' writes to the warehouse: set warehouse.password=${env:TRIBUTARY_PG_PASSWORD} (or your variable)"));
        }
        WarehouseSink.Builder<T> builder = WarehouseSink.<T>builder()
                .jdbcUrl(settings.get(JobSettings.WAREHOUSE_JDBC_URL))
                .user(settings.get(JobSettings.WAREHOUSE_USER))
                .password(password)
                .batchSize(settings.get(JobSettings.WAREHOUSE_BATCH_SIZE))
                .flushInterval(settings.get(JobSettings.WAREHOUSE_FLUSH_INTERVAL))
                .maxRetryDuration(settings.get(JobSettings.WAREHOUSE_MAX_RETRY))
                .deadLetters(deadLetterChannel(), flow, operatorUid);
        tables.forEach(builder::table);
        return EndToEndLatency.measured(builder.build(), operatorUid);
    }

    @Override
    public <T> Sink<T> search(String flow, String operatorUid, DocumentMapper<T> mapper, String... templates) {
        SearchSinkBuilder<T> builder = SearchSink.<T>builder()
                .url(settings.get(JobSettings.SEARCH_URL).toString())
                .documentMapper(mapper)
                .deadLetters(deadLetterChannel(), flow, operatorUid)
                .indexTemplates(templates);
        String user = settings.get(JobSettings.SEARCH_USER_ENV);
        if (!user.isEmpty()) {
            builder.basicAuthFromEnv(user, settings.get(JobSettings.SEARCH_PASSWORD_ENV));
        }
        String apiKey = settings.get(JobSettings.SEARCH_API_KEY_ENV);
        if (!apiKey.isEmpty()) {
            builder.apiKeyFromEnv(apiKey);
        }
        String ca = settings.get(JobSettings.SEARCH_CA_CERTIFICATE);
        if (!ca.isEmpty()) {
            builder.caCertificatePem(ca);
        }
        return EndToEndLatency.measured(builder.build(), operatorUid);
    }

    @Override
    public Sink<RawEvent> rawZone() {
        return RawZoneSink.forRoot(settings.get(JobSettings.LAKE_RAW_ZONE));
    }
}
