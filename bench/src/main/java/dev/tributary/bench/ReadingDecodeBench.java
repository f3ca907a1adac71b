package dev.tributary.bench;

import dev.tributary.events.HoverboardReading;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.RecordValidator;
import dev.tributary.operators.codec.ValidatorRegistry;

import org.apache.avro.message.BinaryMessageDecoder;

import java.util.Arrays;
import java.util.Locale;

/**
 * The per-record cost of the telemetry decode step, against Avro's own decoder, in one run (no servers).
 *
 * <p>Baseline: {@code HoverboardReading.getDecoder().decode(bytes)}, Avro's {@link BinaryMessageDecoder}, what a
 * plain consumer of the topic would call. Measured: the decode operator's {@link EventCodec#decode} (format
 * detection, size limit, bounded reading of every schema version, the in-place reader for the current one), and
 * that plus the type's {@link RecordValidator} (the job's defaults). Same 1 000 payloads (500 devices, 2 % with an
 * error code), alternating rounds, medians; prints ns per payload and the ratio to the baseline.
 *
 * <p>Args: {@code [payloads per round, default 2 000 000] [rounds, default 7]}.
 */
public final class ReadingDecodeBench {

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        byte[][] payloads = new byte[1_000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = TelemetryOrderingBench.avro(WarehouseSinkBench.reading(i));
        }
        BinaryMessageDecoder<HoverboardReading> avro = HoverboardReading.getDecoder();
        EventCodec<HoverboardReading> codec = EventCodec.forType(HoverboardReading.class);
        RecordValidator<HoverboardReading> validator = ValidatorRegistry.defaults().forType(HoverboardReading.class);

        for (byte[] payload : payloads) { // otherwise this would time rejections
            if (!(codec.decode(payload) instanceof Decoded.Ok<HoverboardReading> ok) || validator.validate(ok.value()).isPresent()) {
                throw new IllegalStateException("a sample payload does not pass decoding and validation: " + codec.decode(payload));
            }
        }
        long[][] nanos = new long[3][rounds];
        long checksum = 0;
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            long[] spent = new long[3];
            long start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                checksum += avro.decode(payloads[i % payloads.length]).getSeq();
            }
            spent[0] = System.nanoTime() - start;
            start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                if (codec.decode(payloads[i % payloads.length]) instanceof Decoded.Ok<HoverboardReading> ok) {
                    checksum += ok.value().getSeq();
                }
            }
            spent[1] = System.nanoTime() - start;
            start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                if (codec.decode(payloads[i % payloads.length]) instanceof Decoded.Ok<HoverboardReading> ok
                        && validator.validate(ok.value()).isEmpty()) {
                    checksum += ok.value().getSeq();
                }
            }
            spent[2] = System.nanoTime() - start;
            if (round >= 0) {
                for (int k = 0; k < 3; k++) {
                    nanos[k][round] = spent[k];
                }
            }
        }
        double avroNs = median(nanos[0]) / perRound;
        double codecNs = median(nanos[1]) / perRound;
        double validatedNs = median(nanos[2]) / perRound;
        System.out.printf(Locale.ROOT, "%d payloads per round, medians of %d rounds (checksum %d)%n", perRound, rounds, checksum);
        System.out.printf(Locale.ROOT, "Avro BinaryMessageDecoder (baseline):    %6.1f ns per payload%n", avroNs);
        System.out.printf(Locale.ROOT, "EventCodec.decode:                       %6.1f ns per payload, %.2f x the baseline's time%n",
                codecNs, codecNs / avroNs);
        System.out.printf(Locale.ROOT, "EventCodec.decode + validation:          %6.1f ns per payload, %.2f x the baseline's time%n",
                validatedNs, validatedNs / avroNs);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
