package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every claim of a notification is a new lease with its own fencing token, also when the same
 * instance claims it again (its sweeper, after the row waited in a slow lane past its lease): the
 * earlier holder can then neither renew, nor finish, nor send — the push goes out once.
 */
@DeliveryServiceTest
class LeaseFencingIntegrationTests {

    @Autowired
    Deliveries deliveries;

    @Test
    void aReclaimFencesOffTheEarlierHolderEvenInTheSameInstance() throws Exception {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = overdueNotification(receivedAt);
        Deliveries.Claimed first =
                deliveries.claim(id, receivedAt, Duration.ofMillis(1)).block();
        assertThat(first).isNotNull();
        Thread.sleep(20); // the first lease runs out while the row waits in a lane

        Deliveries.Claimed second = deliveries
                .claimOverdue(Duration.ofSeconds(30), 1000, Set.of())
                .filter(claimed -> claimed.id().equals(id))
                .blockFirst(Duration.ofSeconds(10));

        assertThat(second).isNotNull();
        assertThat(second.lease()).isNotEqualTo(first.lease());
        assertThat(deliveries.renew(first, Duration.ofSeconds(30)).block()).isFalse();
        assertThat(deliveries.finish(first, Ending.delivered(null)).block()).isFalse();
        assertThat(DeliveryFixtures.status(id)).isEqualTo("accepted");
        assertThat(deliveries.renew(second, Duration.ofSeconds(30)).block()).isTrue();
        assertThat(deliveries.finish(second, Ending.delivered(null)).block()).isTrue();
        assertThat(DeliveryFixtures.status(id)).isEqualTo("delivered");
    }

    private static UUID overdueNotification(Instant receivedAt) throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        UUID id = UUID.randomUUID();
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification
                            (id, tenant_id, configuration_id, event_id, session_id, payload, received_at, lease_until)
                        VALUES (?, ?, ?, ?, 'session-fenced', ?::jsonb, ?, now() - interval '1 second')""")) {
            insert.setObject(1, id);
            insert.setObject(2, configuration.tenantId());
            insert.setObject(3, configuration.id());
            insert.setString(4, "event-" + id);
            insert.setString(5, DeliveryFixtures.event("session-fenced").toJson());
            insert.setObject(6, receivedAt.atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        return id;
    }
}
