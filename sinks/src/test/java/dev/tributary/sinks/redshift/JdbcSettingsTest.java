package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

class JdbcSettingsTest {

    @Test
    void neverShowsThePasswordOrUrlParameters() {
        JdbcSettings settings = new JdbcSettings("jdbc:postgresql://db:5432/tributary?password=inline", "u", "s3cret");
        assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("inline").contains("password=***");
    }

    @Test
    void theDialectFollowsTheUrl() {
        assertThat(WarehouseDialect.forUrl("jdbc:postgresql://h/db")).isEqualTo(WarehouseDialect.POSTGRESQL);
        assertThat(WarehouseDialect.forUrl("jdbc:redshift://cluster.example:5439/dev")).isEqualTo(WarehouseDialect.REDSHIFT);
        assertThatThrownBy(() -> new JdbcSettings("jdbc:mysql://h/db", "u", "p")).hasMessageContaining("unsupported");
    }

    @Test
    void redshiftUrlsAreOpenedWithTheRedshiftDriver() {
        // nothing listens on port 1: the Redshift driver is found and its refused connection is retryable
        JdbcSettings settings = new JdbcSettings("jdbc:redshift://127.0.0.1:1/dev?loginTimeout=2", "u", "p");
        assertThatThrownBy(settings::connect)
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(SqlFailure.classify(e)).as(e.toString()).isEqualTo(SqlFailure.TRANSIENT))
                // the driver's own attempt, not "driver not on the classpath" nor "does not accept the URL"
                .hasMessageContaining("Connection to 127.0.0.1:1 refused");
    }
}
