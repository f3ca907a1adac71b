package dev.tributary.pipeline.config;

/** Kafka's {@code security.protocol}: how every Kafka client of the job connects to the brokers. */
public enum KafkaSecurityProtocol {
    PLAINTEXT,
    /** TLS without SASL (the client is authenticated by its certificate, if the listener asks for one). */
    SSL,
    /** SASL without TLS: the credentials cross the network unencrypted with PLAIN; use it only on a private network. */
    SASL_PLAINTEXT,
    SASL_SSL;

    boolean usesSasl() {
        return this == SASL_PLAINTEXT || this == SASL_SSL;
    }

    boolean usesTls() {
        return this == SSL || this == SASL_SSL;
    }
}
