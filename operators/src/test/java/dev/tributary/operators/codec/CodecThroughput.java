package dev.tributary.operators.codec;

import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.Samples;

/**
 * Decode throughput of one codec instance (one subtask), JSON vs Avro, printed as records/s and the ratio.
 * Not a test (no assertions on timing); run by hand, see the command in the lead's report.
 */
public final class CodecThroughput {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        EventCodec<HoverboardReading> codec = EventCodec.forType(HoverboardReading.class);
        RecordValidator<HoverboardReading> validator = Samples.validators().forType(HoverboardReading.class);
        byte[] json = Samples.json(HoverboardReading.class);
        byte[] avro = Samples.avro(Samples.hoverboardReading("hb-0042", 17));
        for (int round = 0; round < 3; round++) {
            double jsonRate = rate(codec, validator, json, n);
            double avroRate = rate(codec, validator, avro, n);
            System.out.printf("round %d: json %,.0f rec/s (%d B), avro %,.0f rec/s (%d B), avro/json %.1fx%n",
                    round, jsonRate, json.length, avroRate, avro.length, avroRate / jsonRate);
        }
    }

    private static double rate(EventCodec<HoverboardReading> codec, RecordValidator<HoverboardReading> validator, byte[] payload, int n) {
        long start = System.nanoTime();
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (codec.decode(payload) instanceof Decoded.Ok<HoverboardReading> d && validator.validate(d.value()).isEmpty()) {
                ok++;
            }
        }
        if (ok != n) {
            throw new IllegalStateException("only " + ok + " of " + n + " decoded");
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
