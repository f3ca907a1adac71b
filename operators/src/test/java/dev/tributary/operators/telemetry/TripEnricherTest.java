package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.customer;
import static dev.tributary.operators.telemetry.Fixtures.reading;
import static dev.tributary.operators.telemetry.Fixtures.trip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tributary.events.Customer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@ParameterizedClass
@EnumSource(Fixtures.Backend.class)
class TripEnricherTest {

    @Parameter
    Fixtures.Backend backend;

    private static final long WAIT = 2_000;
    private static final long TTL = 60_000;
    private static final TripEnrichmentConfig CONFIG = new TripEnrichmentConfig(
            Duration.ofMillis(WAIT), Duration.ofMillis(TTL));

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (AutoCloseable harness : opened) {
            harness.close();
        }
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, Trip, Customer, Trip> byCustomer(
            CustomerTripEnricher enricher, OperatorSubtaskState restoreFrom, long startTime) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(enricher), Trip::getCustomerId, Customer::getCustomerId, Types.STRING);
        return open(harness, restoreFrom, startTime);
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, Trip, Customer, Trip> byCustomer(
            CustomerTripEnricher enricher) throws Exception {
        return byCustomer(enricher, null, 0);
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, Trip, HoverboardReading, Trip> byHoverboard(
            HoverboardTripEnricher enricher) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(enricher), Trip::getHoverboardId, HoverboardReading::getDeviceId,
                Types.STRING);
        return open(harness, null, 0);
    }

    private <I2> KeyedTwoInputStreamOperatorTestHarness<String, Trip, I2, Trip> open(
            KeyedTwoInputStreamOperatorTestHarness<String, Trip, I2, Trip> harness,
            OperatorSubtaskState restoreFrom, long startTime) throws Exception {
        opened.add(Fixtures.open(harness, backend, restoreFrom, startTime));
        return harness;
    }

    @Test
    void aTripAfterItsCustomerIsEnrichedAtOnce() throws Exception {
        CustomerTripEnricher enricher = new CustomerTripEnricher(CONFIG);
        var h = byCustomer(enricher);

        h.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);

        assertThat(h.extractOutputValues()).singleElement().satisfies(trip -> {
            assertThat(trip.getTripId()).isEqualTo("t-1");
            assertThat(trip.getCustomerName()).isEqualTo("Ada");
            assertThat(trip.getCustomerTier()).isEqualTo("GOLD");
            assertThat(trip.getLastBatteryPct()).as("not this step's field").isNull();
        });
        assertThat(h.numProcessingTimeTimers()).isZero();
        assertThat(enricher.counts()).isEqualTo(new TripEnricher.Counts(1, 1, 0, 0, 1, 0));
    }

    @Test
    void aTripBeforeItsCustomerWaitsAndIsEnrichedWhenTheCustomerArrives() throws Exception {
        CustomerTripEnricher enricher = new CustomerTripEnricher(CONFIG);
        var h = byCustomer(enricher);

        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        h.setProcessingTime(WAIT - 1);
        assertThat(h.extractOutputValues()).isEmpty();

        h.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName)
                .containsExactly(tuple("t-1", "Ada"));
        assertThat(h.numProcessingTimeTimers()).as("the wait's timer was deleted").isZero();
        h.setProcessingTime(10 * WAIT);
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(enricher.counts()).isEqualTo(new TripEnricher.Counts(1, 1, 1, 0, 1, 0));
    }

    @Test
    void aTripWhoseCustomerDoesNotArriveInTimeGoesOutUnenriched() throws Exception {
        CustomerTripEnricher enricher = new CustomerTripEnricher(CONFIG);
        var h = byCustomer(enricher);

        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        h.setProcessingTime(500);
        h.processElement1(trip("t-2", "hb-1", "c-1"), 0);
        h.setProcessingTime(WAIT);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName)
                .containsExactly(tuple("t-1", null));

        h.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        h.processElement1(trip("t-3", "hb-1", "c-1"), 0);
        h.setProcessingTime(10 * WAIT);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName)
                .as("t-2 was still within its own wait")
                .containsExactly(tuple("t-1", null), tuple("t-2", "Ada"), tuple("t-3", "Ada"));
        assertThat(enricher.counts()).isEqualTo(new TripEnricher.Counts(3, 2, 1, 1, 1, 0));
    }

    @Test
    void theCustomerWithTheHighestVersionWinsWhateverTheArrivalOrder() throws Exception {
        CustomerTripEnricher enricher = new CustomerTripEnricher(CONFIG);
        var h = byCustomer(enricher);

        h.processElement2(customer("c-1", "Ada Lovelace", "PLATINUM", 3), 0);
        h.processElement2(customer("c-1", "Ada", "GOLD", 2), 0);          // older, arrived late
        h.processElement2(customer("c-1", "Ada", "GOLD", 3), 0);          // replay of version 3 (same updatedAt)
        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);

        assertThat(h.extractOutputValues()).extracting(Trip::getCustomerName, Trip::getCustomerTier)
                .containsExactly(tuple("Ada Lovelace", "PLATINUM"));
        assertThat(enricher.counts().staleUpdates()).isEqualTo(2);

        h.processElement2(customer("c-1", "Ada K.", "PLATINUM", 4), 0);
        h.processElement1(trip("t-2", "hb-1", "c-1"), 0);
        assertThat(h.extractOutputValues()).extracting(Trip::getCustomerName).endsWith("Ada K.");
    }

    @Test
    void customersAreKeptPerCustomerId() throws Exception {
        var h = byCustomer(new CustomerTripEnricher(CONFIG));

        h.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        h.processElement2(customer("c-2", "Grace", null, 1), 0);
        h.processElement1(trip("t-1", "hb-1", "c-2"), 0);
        h.processElement1(trip("t-2", "hb-1", "c-1"), 0);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName, Trip::getCustomerTier)
                .containsExactly(tuple("t-1", "Grace", null), tuple("t-2", "Ada", "GOLD"));
    }

    @Test
    void aCustomerExpiresAfterTheTtlUnlessTripsKeepReadingIt() throws Exception {
        var h = byCustomer(new CustomerTripEnricher(CONFIG));

        h.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        h.processElement2(customer("c-2", "Grace", "SILVER", 1), 0);
        h.setStateTtlProcessingTime(TTL - 1);
        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);                 // a read refreshes c-1
        h.setStateTtlProcessingTime(TTL + 1);
        h.processElement1(trip("t-2", "hb-1", "c-1"), 0);
        h.processElement1(trip("t-3", "hb-2", "c-2"), 0);                 // c-2 expired
        h.setProcessingTime(WAIT);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName)
                .containsExactly(tuple("t-1", "Ada"), tuple("t-2", "Ada"), tuple("t-3", null));
    }

    @Test
    void aWaitingTripSurvivesASnapshotAndIsEmittedExactlyOnce() throws Exception {
        var before = byCustomer(new CustomerTripEnricher(CONFIG));
        before.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        before.processElement1(trip("t-2", "hb-2", "c-2"), 0);
        OperatorSubtaskState snapshot = before.snapshot(1L, 10L);

        CustomerTripEnricher restored = new CustomerTripEnricher(CONFIG);
        var after = byCustomer(restored, snapshot, 100);
        after.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        after.setProcessingTime(10 * WAIT);

        assertThat(after.extractOutputValues()).extracting(Trip::getTripId, Trip::getCustomerName)
                .containsExactly(tuple("t-1", "Ada"), tuple("t-2", null));
        assertThat(after.numProcessingTimeTimers()).isZero();
        assertThat(restored.counts().unenrichedAfterTimeout()).isEqualTo(1);
    }

    @Test
    void tripsGetTheBatteryOfTheLatestReadingOfTheirHoverboard() throws Exception {
        HoverboardTripEnricher enricher = new HoverboardTripEnricher(CONFIG);
        var h = byHoverboard(enricher);

        h.processElement2(reading("hb-1", 1, 90.0, 30.0, null), 0);
        h.processElement2(reading("hb-1", 2, 85.5, 30.0, null), 0);
        h.processElement2(reading("hb-1", 1, 90.0, 30.0, null), 0);       // a late copy: not the latest
        h.processElement2(reading("hb-2", 7, 12.0, 30.0, null), 0);
        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        h.processElement1(trip("t-2", "hb-2", "c-1"), 0);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getLastBatteryPct, Trip::getLastReadingSeq)
                .containsExactly(tuple("t-1", 85.5, 2L), tuple("t-2", 12.0, 7L));
        assertThat(enricher.counts().staleUpdates()).isEqualTo(1);
    }

    @Test
    void aTripBeforeAnyReadingWaitsForTheFirstOne() throws Exception {
        var h = byHoverboard(new HoverboardTripEnricher(CONFIG));

        h.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        h.processElement2(reading("hb-1", 5, 70.0, 30.0, null), 0);
        h.processElement1(trip("t-2", "hb-9", "c-1"), 0);
        h.setProcessingTime(WAIT);

        assertThat(h.extractOutputValues()).extracting(Trip::getTripId, Trip::getLastReadingSeq)
                .containsExactly(tuple("t-1", 5L), tuple("t-2", null));
    }

    @Test
    void theTwoStepsTogetherFillEveryEnrichmentField() throws Exception {
        var customers = byCustomer(new CustomerTripEnricher(CONFIG));
        var hoverboards = byHoverboard(new HoverboardTripEnricher(CONFIG));
        customers.processElement2(customer("c-1", "Ada", "GOLD", 1), 0);
        hoverboards.processElement2(reading("hb-1", 3, 66.0, 30.0, null), 0);

        customers.processElement1(trip("t-1", "hb-1", "c-1"), 0);
        for (Trip trip : customers.extractOutputValues()) {
            hoverboards.processElement1(trip, 0);
        }

        assertThat(hoverboards.extractOutputValues()).singleElement().satisfies(trip -> {
            assertThat(trip.getCustomerName()).isEqualTo("Ada");
            assertThat(trip.getCustomerTier()).isEqualTo("GOLD");
            assertThat(trip.getLastBatteryPct()).isEqualTo(66.0);
            assertThat(trip.getLastReadingSeq()).isEqualTo(3L);
        });
    }
}
