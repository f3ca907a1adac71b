package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.reading;
import static dev.tributary.operators.telemetry.Fixtures.seqs;
import static dev.tributary.operators.telemetry.Fixtures.side;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SequenceGap;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

@ParameterizedClass
@EnumSource(Fixtures.Backend.class)
class SequenceOrdererTest {

    @Parameter
    Fixtures.Backend backend;

    private static final long HOLD = 1_000;
    private static final OrderingConfig CONFIG = OrderingConfig.defaults()
            .withMaxHold(Duration.ofMillis(HOLD))
            .withMaxBuffered(100)
            .withStateTtl(Duration.ofSeconds(60));

    private final List<KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading>> opened =
            new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var harness : opened) {
            harness.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> harness(
            SequenceOrderer orderer, OperatorSubtaskState restoreFrom, long startTime) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(orderer), HoverboardReading::getDeviceId, Types.STRING);
        opened.add(Fixtures.open(harness, backend, restoreFrom, startTime));
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> harness(
            SequenceOrderer orderer) throws Exception {
        return harness(orderer, null, 0);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> h,
                             String device, long... seqs) throws Exception {
        for (long seq : seqs) {
            h.processElement(reading(device, seq), seq);
        }
    }

    @Test
    void inOrderReadingsPassStraightThrough() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 1, 2, 3, 4);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(orderer.counts()).isEqualTo(new SequenceOrderer.Counts(5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void readingsReorderedWithinTheBoundComeOutInOrderWithoutAGap() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 3, 2);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L);
        assertThat(orderer.counts().buffered()).isEqualTo(2);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

        send(h, "hb-1", 1, 4);
        h.setProcessingTime(10 * HOLD);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(side(h, SequenceOrderer.GAPS)).isEmpty();
        assertThat(h.numProcessingTimeTimers()).as("the wait ended, so its timer was deleted").isZero();
        assertThat(orderer.counts()).isEqualTo(new SequenceOrderer.Counts(5, 3, 2, 2, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void aHeldReadingKeepsItsValuesWhenTheSenderReusesTheObject() throws Exception {
        // the job runs with object reuse: an upstream that reuses its output object changes it after handing it over
        var h = harness(new SequenceOrderer(CONFIG));
        h.getExecutionConfig().enableObjectReuse();
        HoverboardReading reused = reading("hb-1", 0);
        h.processElement(reused, 0);
        reused.setSeq(2);
        reused.setBatteryPct(55.0);
        h.processElement(reused, 2);
        reused.setSeq(1);
        reused.setBatteryPct(44.0);
        h.processElement(reused, 1);

        List<HoverboardReading> out = h.extractOutputValues();
        assertThat(seqs(out)).containsExactly(0L, 1L, 2L);
        assertThat(out.get(2).getBatteryPct()).as("the held seq 2 as it arrived").isEqualTo(55.0);
    }

    @Test
    void devicesAreOrderedIndependently() throws Exception {
        var h = harness(new SequenceOrderer(CONFIG));

        send(h, "hb-1", 0, 2);
        send(h, "hb-2", 0, 1);
        send(h, "hb-1", 1);

        assertThat(h.extractOutputValues()).extracting(r -> r.getDeviceId() + "#" + r.getSeq())
                .containsExactly("hb-1#0", "hb-2#0", "hb-2#1", "hb-1#1", "hb-1#2");
    }

    @Test
    void duplicatesOfReleasedAndOfHeldReadingsAreDroppedAndCounted() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 1, 1, 3, 3, 0, 2);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(side(h, SequenceOrderer.LATE_READINGS)).isEmpty();
        assertThat(orderer.counts().duplicates()).isEqualTo(3);
        assertThat(orderer.counts().in()).isEqualTo(7);
    }

    @Test
    void aGapIsSkippedWhenTheHoldTimeExpiresAndReported() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 3, 4);
        h.setProcessingTime(HOLD - 1);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L);

        h.setProcessingTime(HOLD);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 3L, 4L);
        assertThat(side(h, SequenceOrderer.GAPS)).containsExactly(SequenceGap.newBuilder()
                .setDeviceId("hb-1").setFromSeq(1).setToSeq(2)
                .setReason(SequenceOrderer.REASON_HOLD_TIMEOUT)
                .setDetectedAt(Instant.ofEpochMilli(HOLD))
                .setResumedAt(Fixtures.T0.plusSeconds(3))
                .build());
        assertThat(orderer.counts()).isEqualTo(new SequenceOrderer.Counts(3, 1, 2, 2, 0, 1, 2, 0, 0, 0, 0));

        send(h, "hb-1", 5);
        assertThat(seqs(h.extractOutputValues())).endsWith(5L);
    }

    @Test
    void eachGapIsWaitedForTheFullHoldTimeFromTheFirstReadingHeldBehindIt() throws Exception {
        var h = harness(new SequenceOrderer(CONFIG));

        send(h, "hb-1", 0, 2);            // waiting for 1 since t=0
        h.setProcessingTime(400);
        send(h, "hb-1", 4);               // behind a second gap (3), held since t=400
        h.setProcessingTime(HOLD);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 2L);
        assertThat(side(h, SequenceOrderer.GAPS)).extracting(SequenceGap::getFromSeq).containsExactly(1L);

        h.setProcessingTime(400 + HOLD - 1);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 2L);

        h.setProcessingTime(400 + HOLD);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 2L, 4L);
        assertThat(side(h, SequenceOrderer.GAPS)).extracting(SequenceGap::getFromSeq, SequenceGap::getToSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1L), org.assertj.core.groups.Tuple.tuple(3L, 3L));
    }

    @Test
    void exceedingTheCountBoundSkipsTheGapAtOnce() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxBuffered(2));
        var h = harness(orderer);

        send(h, "hb-1", 0, 3, 5);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L);

        send(h, "hb-1", 6);  // a third held reading: over the bound

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 3L);
        assertThat(side(h, SequenceOrderer.GAPS)).singleElement().satisfies(gap -> {
            assertThat(gap.getFromSeq()).isEqualTo(1L);
            assertThat(gap.getToSeq()).isEqualTo(2L);
            assertThat(gap.getReason()).isEqualTo(SequenceOrderer.REASON_BUFFER_FULL);
        });
        assertThat(orderer.counts().buffered()).as("5 and 6 still wait for 4").isEqualTo(2);

        send(h, "hb-1", 4);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 3L, 4L, 5L, 6L);
        assertThat(orderer.counts().buffered()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aReadingArrivingAfterItsGapWasSkippedGoesToTheLateOutputOnce() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 1, 4);
        h.setProcessingTime(HOLD);            // skips 2..3
        send(h, "hb-1", 3, 3, 1, 2);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 4L);
        assertThat(seqs(side(h, SequenceOrderer.LATE_READINGS)))
                .as("each skipped seq once; the second 3 and the re-sent 1 are duplicates")
                .containsExactly(3L, 2L);
        SequenceOrderer.Counts counts = orderer.counts();
        assertThat(counts.late()).isEqualTo(2);
        assertThat(counts.duplicates()).isEqualTo(2);
        assertThat(counts.in()).isEqualTo(counts.inOrder() + counts.outOfOrder() + counts.duplicates() + counts.late());
    }

    @Test
    void readingsBelowTheOldestRememberedGapCannotBeJudgedAndGoToTheLateOutput() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxTrackedGaps(1));
        var h = harness(orderer);

        send(h, "hb-1", 0, 2);
        h.setProcessingTime(HOLD);              // gap 1..1
        send(h, "hb-1", 4);
        h.setProcessingTime(2 * HOLD);          // gap 3..3; gap 1..1 is forgotten
        send(h, "hb-1", 0, 1, 2, 3, 3);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 2L, 4L);
        assertThat(seqs(side(h, SequenceOrderer.LATE_READINGS)))
                .as("0 and 1 lie at or below the forgotten gap, 3 in the remembered one; 2 was released after it")
                .containsExactly(0L, 1L, 3L);
        assertThat(orderer.counts().duplicates()).as("2, and the second 3").isEqualTo(2);
    }

    /** A reading of {@code device} at {@code seq}, {@code seconds} after T0. */
    private static HoverboardReading at(String device, long seq, long seconds) {
        return HoverboardReading.newBuilder(reading(device, seq)).setEventTime(Fixtures.T0.plusSeconds(seconds)).build();
    }

    @Test
    void aRebootStartsANewEpochAndLosesNothing() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);
        send(h, "hb-1", 0, 1, 2, 3, 4, 5);

        // the device rebooted an hour later: seq 0 again, and counts on from there
        for (long seq = 0; seq <= 7; seq++) {
            h.processElement(at("hb-1", seq, 3600 + seq), 10 + seq);
        }
        send(h, "hb-1", 4);                      // a true copy of the old seq 4: same event time

        List<HoverboardReading> out = h.extractOutputValues();
        assertThat(seqs(out)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(out.subList(6, 14)).allSatisfy(r -> assertThat(r.getEventTime()).isAfter(Fixtures.T0.plusSeconds(3599)));
        assertThat(side(h, SequenceOrderer.LATE_READINGS)).as("the copy of an old-epoch reading: stored, idempotent")
                .containsExactly(reading("hb-1", 4));
        assertThat(side(h, SequenceOrderer.GAPS)).isEmpty();
        SequenceOrderer.Counts counts = orderer.counts();
        assertThat(counts.epochs()).isEqualTo(1);
        assertThat(counts.in()).isEqualTo(counts.inOrder() + counts.outOfOrder() + counts.duplicates() + counts.late());
    }

    @Test
    void aRebootWhileAGapIsOpenReleasesTheOldSequenceFirstAndKeepsTheNewOneOrdered() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);
        send(h, "hb-1", 0, 1, 2, 4, 5);          // 3 missing: 4 and 5 held
        // after the reboot 1 overtakes 0 in transit
        h.processElement(at("hb-1", 1, 3601), 10);
        h.processElement(at("hb-1", 0, 3600), 11);
        h.processElement(at("hb-1", 2, 3602), 12);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 4L, 5L, 0L, 1L, 2L);
        assertThat(side(h, SequenceOrderer.GAPS)).singleElement().satisfies(g -> {
            assertThat(g.getFromSeq()).isEqualTo(3);
            assertThat(g.getToSeq()).isEqualTo(3);
            assertThat(g.getReason()).isEqualTo(SequenceOrderer.REASON_DEVICE_RESTART);
        });
        assertThat(orderer.counts().buffered()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void oneAbsurdSeqCannotCaptureTheDevice() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxSeqJump(1000));
        var h = harness(orderer);
        send(h, "hb-1", 0, 1, 2);
        HoverboardReading absurd = at("hb-1", dev.tributary.operators.codec.ValidatorRegistry.MAX_SEQ, 3);
        h.processElement(absurd, 3);
        send(h, "hb-1", 3, 4, 5);
        h.setProcessingTime(10 * HOLD);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(side(h, SequenceOrderer.LATE_READINGS)).as("stored, not released").containsExactly(absurd);
        assertThat(side(h, SequenceOrderer.GAPS)).isEmpty();
        assertThat(orderer.counts().jumpsHeldBack()).isEqualTo(1);
        assertThat(orderer.counts().epochs()).isZero();
    }

    @Test
    void aJumpTheDeviceConfirmsStartsANewEpoch() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxSeqJump(1000));
        var h = harness(orderer);
        send(h, "hb-1", 0, 1, 2);
        // a firmware update renumbered the device: 50 000, 50 001, ...
        h.processElement(at("hb-1", 50_000, 10), 3);
        h.processElement(at("hb-1", 50_001, 11), 4);
        h.processElement(at("hb-1", 50_002, 12), 5);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 50_001L, 50_002L);
        assertThat(seqs(side(h, SequenceOrderer.LATE_READINGS))).as("the first of the jump, stored").containsExactly(50_000L);
        assertThat(orderer.counts().epochs()).isEqualTo(1);
        assertThat(orderer.counts().jumpsHeldBack()).isEqualTo(1);
    }

    @Test
    void anAbsurdSeqAmongANewDevicesFirstReadingsIsNotReleasedAfterItsWait() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxSeqJump(1000));
        var h = harness(orderer);
        h.processElement(at("joined-late", 7, 7), 1);
        h.processElement(at("joined-late", dev.tributary.operators.codec.ValidatorRegistry.MAX_SEQ, 8), 2);
        h.processElement(at("joined-late", 8, 9), 3);
        h.setProcessingTime(HOLD);
        send(h, "joined-late", 9);

        assertThat(seqs(h.extractOutputValues())).containsExactly(7L, 8L, 9L);
        assertThat(seqs(side(h, SequenceOrderer.LATE_READINGS))).containsExactly(dev.tributary.operators.codec.ValidatorRegistry.MAX_SEQ);
        assertThat(side(h, SequenceOrderer.GAPS)).isEmpty();
        assertThat(orderer.counts().buffered()).isZero();
    }

    @Test
    void exactDuplicatesAreDroppedAcrossAReboot() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);
        send(h, "hb-1", 0, 1, 2);
        h.processElement(at("hb-1", 0, 3600), 3);
        h.processElement(at("hb-1", 0, 3600), 4);   // the new epoch's 0, twice
        h.processElement(at("hb-1", 1, 3601), 5);
        h.processElement(at("hb-1", 1, 3601), 6);

        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 0L, 1L);
        assertThat(orderer.counts().duplicates()).isEqualTo(2);
    }

    @Test
    void aDeviceStartsAtItsFirstSeqAtOnceOrWaitsForLowerReadings() throws Exception {
        var h = harness(new SequenceOrderer(CONFIG));

        send(h, "starts-at-zero", 0);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L);

        send(h, "joined-late", 7, 5, 6);
        assertThat(seqs(h.extractOutputValues())).as("7 might not be the lowest: wait").containsExactly(0L);
        h.setProcessingTime(HOLD);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 5L, 6L, 7L);
        assertThat(side(h, SequenceOrderer.GAPS)).as("nothing is known before the start").isEmpty();

        send(h, "joined-late", 4);
        assertThat(seqs(side(h, SequenceOrderer.LATE_READINGS))).containsExactly(4L);
    }

    @Test
    void theConfiguredFirstSeqStartsTheSequence() throws Exception {
        var h = harness(new SequenceOrderer(CONFIG.withFirstSeq(1)));

        send(h, "hb-1", 1, 2);

        assertThat(seqs(h.extractOutputValues())).containsExactly(1L, 2L);
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anIdleDeviceRestartsItsSequenceAfterTheStateTtl() throws Exception {
        var h = harness(new SequenceOrderer(CONFIG));
        long ttl = CONFIG.stateTtl().toMillis();

        send(h, "hb-1", 0, 1);
        h.setStateTtlProcessingTime(ttl - 1);
        send(h, "hb-1", 2);                     // written again: the cursor lives on
        h.setStateTtlProcessingTime(2 * ttl - 2);
        send(h, "hb-1", 3);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L);

        h.setStateTtlProcessingTime(3 * ttl);   // idle longer than the TTL: the cursor expired
        send(h, "hb-1", 3, 4);

        assertThat(seqs(h.extractOutputValues()))
                .as("a new sequence: 3 is not known as a duplicate any more, and it waits for lower seqs")
                .containsExactly(0L, 1L, 2L, 3L);
        h.setProcessingTime(HOLD);
        assertThat(seqs(h.extractOutputValues())).containsExactly(0L, 1L, 2L, 3L, 3L, 4L);
        assertThat(side(h, SequenceOrderer.GAPS)).isEmpty();
    }

    @Test
    void aSnapshotTakenMidBufferRestoresWithNothingLostOrDoubled() throws Exception {
        SequenceOrderer first = new SequenceOrderer(CONFIG);
        var before = harness(first);
        send(before, "hb-1", 0, 2, 3);
        send(before, "hb-2", 0, 5);
        OperatorSubtaskState snapshot = before.snapshot(1L, 100L);
        assertThat(seqs(before.extractOutputValues())).containsExactly(0L, 0L);

        // recovery: a new instance, later in time, with readings replayed from Kafka after the checkpoint
        SequenceOrderer restored = new SequenceOrderer(CONFIG);
        var after = harness(restored, snapshot, 200);
        send(after, "hb-1", 2, 1, 4);

        assertThat(after.extractOutputValues()).extracting(r -> r.getDeviceId() + "#" + r.getSeq())
                .containsExactly("hb-1#1", "hb-1#2", "hb-1#3", "hb-1#4");
        assertThat(restored.counts().duplicates()).as("2 was held before the snapshot").isEqualTo(1);

        // hb-2's wait survived the restore: its restored timer skips the gap
        after.setProcessingTime(HOLD);
        assertThat(after.extractOutputValues()).extracting(r -> r.getDeviceId() + "#" + r.getSeq()).endsWith("hb-2#5");
        assertThat(side(after, SequenceOrderer.GAPS)).singleElement()
                .satisfies(gap -> assertThat(gap.getDeviceId() + ":" + gap.getFromSeq() + ".." + gap.getToSeq())
                        .isEqualTo("hb-2:1..4"));
        assertThat(restored.counts().buffered()).as("inherited readings are not subtracted").isZero();
        assertThat(after.numProcessingTimeTimers()).isZero();
    }

    @Test
    void theBufferedGaugeCountsHeldReadingsAcrossDevices() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        var h = harness(orderer);

        send(h, "hb-1", 0, 2, 3);
        send(h, "hb-2", 0, 4);
        assertThat(orderer.counts().buffered()).isEqualTo(3);

        send(h, "hb-1", 1);
        assertThat(orderer.counts().buffered()).isEqualTo(1);
        h.setProcessingTime(HOLD);
        assertThat(orderer.counts().buffered()).isZero();
    }

    @Test
    void everyReadingOfAShuffledStreamIsAccountedFor() throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG.withMaxBuffered(8));
        var h = harness(orderer);
        Random random = new Random(42);
        List<HoverboardReading> input = new ArrayList<>();
        Set<Long> lost = new HashSet<>();
        for (long seq = 0; seq < 300; seq++) {
            if (seq > 0 && random.nextInt(20) == 0) {
                lost.add(seq);              // never sent
                continue;
            }
            input.add(reading("hb-1", seq));
            if (random.nextInt(10) == 0) {
                input.add(reading("hb-1", seq)); // sent twice
            }
        }
        // local disorder: shuffle within windows of 6
        for (int i = 0; i < input.size(); i += 6) {
            Collections.shuffle(input.subList(i, Math.min(i + 6, input.size())), random);
        }

        long time = 0;
        for (HoverboardReading r : input) {
            h.processElement(r, r.getSeq());
            time += 37;
            h.setProcessingTime(time);
        }
        h.setProcessingTime(time + 2 * HOLD);

        List<Long> released = seqs(h.extractOutputValues());
        List<Long> late = seqs(side(h, SequenceOrderer.LATE_READINGS));
        assertThat(released).isSorted().doesNotHaveDuplicates();
        Set<Long> delivered = new HashSet<>(released);
        late.forEach(seq -> assertThat(delivered.add(seq)).as("seq %d delivered twice", seq).isTrue());
        Set<Long> sent = new HashSet<>();
        input.forEach(r -> sent.add(r.getSeq()));
        assertThat(delivered).isEqualTo(sent);

        long missingReported = side(h, SequenceOrderer.GAPS).stream()
                .mapToLong(g -> g.getToSeq() - g.getFromSeq() + 1).sum();
        SequenceOrderer.Counts counts = orderer.counts();
        assertThat(counts.gapMissing()).isEqualTo(missingReported);
        assertThat(missingReported).as("each lost seq is in a gap; a skipped seq that came later is late")
                .isEqualTo(lost.size() + late.size());
        assertThat(counts.in()).isEqualTo(input.size());
        assertThat(counts.in()).isEqualTo(released.size() + late.size() + counts.duplicates());
        assertThat(counts.in()).isEqualTo(counts.inOrder() + counts.outOfOrder() + counts.duplicates() + counts.late());
        assertThat(counts.buffered()).isZero();
    }

    @Test
    void theConfigRejectsATtlThatCouldExpireDuringAWait() {
        assertThatThrownBy(() -> OrderingConfig.defaults().withMaxHold(Duration.ofMinutes(5)).withStateTtl(Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stateTtl");
        assertThatThrownBy(() -> OrderingConfig.defaults().withMaxBuffered(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
