package dev.tributary.operators.telemetry;

import dev.tributary.events.Customer;
import dev.tributary.events.Trip;

/**
 * Fills {@code customerName} and {@code customerTier} of trips keyed by {@code customerId}, from customers keyed
 * by {@code customerId}. Keeps the customer with the highest {@code version}; at equal versions the later
 * {@code updatedAt} wins, so a replayed or reordered older profile never overwrites a newer one.
 */
public class CustomerTripEnricher extends TripEnricher<Customer, Customer> {

    private static final long serialVersionUID = 1L;

    public CustomerTripEnricher(TripEnrichmentConfig config) {
        super(config, "trip-customer", TelemetryTypes.CUSTOMER);
    }

    @Override
    protected Customer merge(Customer current, Customer update) {
        if (current == null
                || update.getVersion() > current.getVersion()
                || (update.getVersion() == current.getVersion() && update.getUpdatedAt().isAfter(current.getUpdatedAt()))) {
            return update;
        }
        return null;
    }

    @Override
    protected Trip enrich(Trip trip, Customer customer) {
        return Trip.newBuilder(trip)
                .setCustomerName(customer.getName())
                .setCustomerTier(customer.getTier())
                .build();
    }
}
