package dev.tributary.operators.codec;

/** How a Kafka record value is encoded, told from its first bytes. */
public enum PayloadFormat {
    AVRO("avro"),
    JSON("json"),
    UNRECOGNIZED("unrecognized");

    /** First two bytes of Avro single-object encoding. */
    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;

    private final String label;

    PayloadFormat(String label) {
        this.label = label;
    }

    /** Lower-case name used as a metric label. */
    public String label() {
        return label;
    }

    public static PayloadFormat detect(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return UNRECOGNIZED;
        }
        if (payload.length >= 2 && payload[0] == MAGIC_0 && payload[1] == MAGIC_1) {
            return AVRO;
        }
        int i = firstNonWhitespace(payload);
        return i < payload.length && payload[i] == '{' ? JSON : UNRECOGNIZED;
    }

    /** Index of the first byte that is not JSON whitespace, after an optional UTF-8 byte order mark. */
    static int firstNonWhitespace(byte[] payload) {
        int i = hasUtf8Bom(payload) ? 3 : 0;
        while (i < payload.length) {
            byte b = payload[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    static boolean hasUtf8Bom(byte[] payload) {
        return payload.length >= 3 && payload[0] == (byte) 0xEF && payload[1] == (byte) 0xBB && payload[2] == (byte) 0xBF;
    }
}
