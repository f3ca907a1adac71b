package dev.tributary.pipeline.config;

/** The SASL mechanisms the first-class {@code kafka.sasl.*} settings build a JAAS login for. */
public enum SaslMechanism {
    PLAIN("org.apache.kafka.common.security.plain.PlainLoginModule"),
    SCRAM_SHA_256("org.apache.kafka.common.security.scram.ScramLoginModule"),
    SCRAM_SHA_512("org.apache.kafka.common.security.scram.ScramLoginModule");

    private final String loginModule;

    SaslMechanism(String loginModule) {
        this.loginModule = loginModule;
    }

    /** The name Kafka's {@code sasl.mechanism} expects, e.g. {@code SCRAM-SHA-512}. */
    public String kafkaName() {
        return name().replace('_', '-');
    }

    String loginModule() {
        return loginModule;
    }
}
