package io.pushgate.delivery.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A callback is never lost because its day has no partition (maintenance did not run ahead): the
 * inbox makes today's partitions and stores the event. Today's partitions are set aside for the
 * test and their rows put back after it.
 */
@DeliveryServiceTest
class MissingPartitionIntegrationTests {

    @Autowired
    Inbox inbox;

    @Test
    void aCallbackOnADayWithoutItsPartitionIsStoredNotRefused() throws Exception {
        TestConfigurations.Inserted configuration;
        String today;
        try (Connection connection = TestDatabase.get().connect()) {
            configuration = TestConfigurations.configuration().insert(connection);
            today = text(connection, "SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYYMMDD')");
            for (String parent : new String[] {"notification", "attempt"}) {
                execute(
                        connection,
                        "ALTER TABLE delivery." + parent + " DETACH PARTITION delivery." + parent + "_p" + today);
                execute(
                        connection,
                        "ALTER TABLE delivery." + parent + "_p" + today + " RENAME TO " + parent + "_aside");
            }
        }
        try {
            String eventId = "event-" + UUID.randomUUID();

            Stored stored = inbox.store(new NewNotification(
                            configuration.tenantId(), configuration.id(), AxpEvent.of(eventId, "s-" + eventId)))
                    .block(Duration.ofSeconds(30));

            assertThat(stored.duplicate()).isFalse();
            try (Connection connection = TestDatabase.get().connect()) {
                assertThat(text(
                                connection,
                                "SELECT count(*) FROM delivery.notification_p" + today + " WHERE id = '"
                                        + stored.notificationId() + "'"))
                        .isEqualTo("1");
                assertThat(text(connection, "SELECT to_regclass('delivery.attempt_p" + today + "') IS NOT NULL"))
                        .isEqualTo("t");
            }
            // and the same event again is its duplicate
            assertThat(inbox.store(new NewNotification(
                                    configuration.tenantId(), configuration.id(), AxpEvent.of(eventId, "s-" + eventId)))
                            .block(Duration.ofSeconds(30)))
                    .isEqualTo(new Stored(stored.notificationId(), true));
        } finally {
            try (Connection connection = TestDatabase.get().connect()) {
                execute(connection, "SELECT delivery.create_day_partitions((now() AT TIME ZONE 'UTC')::date)");
                execute(connection, "INSERT INTO delivery.notification SELECT * FROM delivery.notification_aside");
                execute(
                        connection,
                        "INSERT INTO delivery.attempt OVERRIDING SYSTEM VALUE SELECT * FROM delivery.attempt_aside");
                execute(connection, "DROP TABLE delivery.notification_aside, delivery.attempt_aside");
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
