package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Claims and sweeps touch only the hot partitions: a notification received before them, though
 * unfinished and with its lease long run out, is past any delivery window and is left to
 * maintenance, never claimed.
 */
@DeliveryServiceTest
class HotPartitionsIntegrationTests {

    @Autowired
    Deliveries deliveries;

    @Test
    void sweepsAndClaimsLeaveTheOlderPartitionsAlone() throws Exception {
        Instant threeDaysAgo = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        // its lease ran out before any other row's: without the bound, the sweep would take it first
        UUID old = unfinished(threeDaysAgo, threeDaysAgo);

        assertThat(deliveries
                        .claimOverdue(Duration.ofSeconds(30), 1, Set.of())
                        .collectList()
                        .block())
                .extracting(Deliveries.Claimed::id)
                .doesNotContain(old);
        assertThat(deliveries.claim(old, threeDaysAgo, Duration.ofSeconds(30)).block())
                .isNull();
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT lease_owner IS NULL FROM delivery.notification WHERE id = '" + old + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBoolean(1)).as("never leased").isTrue();
        }
    }

    private static UUID unfinished(Instant receivedAt, Instant leaseUntil) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect()) {
            try (var create = connection.prepareStatement("SELECT delivery.create_day_partitions(?::date)")) {
                create.setString(
                        1,
                        receivedAt
                                .atOffset(java.time.ZoneOffset.UTC)
                                .toLocalDate()
                                .toString());
                create.execute();
            }
            try (var insert = connection.prepareStatement("""
                    INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                        status, received_at, lease_until)
                    VALUES (?, ?, ?, ?, 's', '{}', 'accepted', ?, ?)""")) {
                insert.setObject(1, id);
                insert.setObject(2, UUID.randomUUID());
                insert.setObject(3, UUID.randomUUID());
                insert.setString(4, "event-" + id);
                insert.setTimestamp(5, Timestamp.from(receivedAt));
                insert.setTimestamp(6, Timestamp.from(leaseUntil));
                insert.executeUpdate();
            }
        }
        return id;
    }
}
