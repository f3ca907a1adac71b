package dev.tributary.operators.cdc;

import dev.tributary.events.ChangeOp;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The customer profile a change leaves, for the trip enricher: an UPSERT becomes a {@link Customer} at version = the
 * change's log position, so the enricher keeps the latest. A DELETE yields nothing: the enricher keeps the last
 * profile it saw until its state TTL ({@code telemetry.enrich.state-ttl}), so a trip of a customer deleted
 * meanwhile is still enriched with who made it.
 */
public final class ChangedCustomers implements FlatMapFunction<CustomerChange, Customer> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(CustomerChange change, Collector<Customer> out) {
        if (change.getOp() == ChangeOp.UPSERT) {
            out.collect(Customer.newBuilder()
                    .setCustomerId(change.getCustomerId())
                    .setName(change.getName())
                    .setEmail(change.getEmail())
                    .setTier(change.getTier())
                    .setVersion(change.getPosition())
                    .setUpdatedAt(change.getUpdatedAt())
                    .build());
        }
    }
}
