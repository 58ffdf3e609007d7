package io.pushgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * The upgrade to partitioned notifications (V5) on a database that holds rows: a fresh database is
 * migrated to the version before it (Flyway's target), filled with a notification in every status —
 * leased, retrying, finished, over several days — and attempts, then migrated on.
 */
class PartitioningMigrationIntegrationTests {

    private static final MigrationVersion PARTITIONED = MigrationVersion.fromVersion("5");

    @Test
    void theUpgradeKeepsEveryRowAndItsStatus() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        MigrationVersion previous = Arrays.stream(flyway(database, null).info().all())
                .map(MigrationInfo::getVersion)
                .filter(version -> version.isNewerThan(MigrationVersion.EMPTY) && PARTITIONED.isNewerThan(version))
                .max(MigrationVersion::compareTo)
                .orElseThrow();
        flyway(database, previous).migrate();
        List<UUID> ids = new ArrayList<>();
        Instant now = Instant.now();
        try (Connection connection = database.connect()) {
            NotificationStatus[] statuses = NotificationStatus.values();
            for (int i = 0; i < statuses.length; i++) {
                ids.add(notification(connection, statuses[i], now.minus(i, ChronoUnit.DAYS)));
            }
            // one older than the retention: the upgrade keeps it too (maintenance drops its day later)
            ids.add(notification(connection, NotificationStatus.DELIVERED, now.minus(45, ChronoUnit.DAYS)));
        }
        List<String> notificationsBefore =
                rows(database, "SELECT row_to_json(n)::text FROM delivery.notification n ORDER BY id");
        List<String> attemptsBefore = rows(database, "SELECT row_to_json(a)::text FROM delivery.attempt a ORDER BY id");
        assertThat(notificationsBefore).hasSize(NotificationStatus.values().length + 1);
        assertThat(attemptsBefore).hasSize(2 * notificationsBefore.size());

        // to V5 itself, so that the rows compare column for column (later migrations may add columns)
        flyway(database, PARTITIONED).migrate();

        assertThat(rows(database, "SELECT row_to_json(n)::text FROM delivery.notification n ORDER BY id"))
                .containsExactlyElementsOf(notificationsBefore);
        assertThat(rows(database, "SELECT row_to_json(a)::text FROM delivery.attempt a ORDER BY id"))
                .containsExactlyElementsOf(attemptsBefore);
        flyway(database, null).migrate();
        assertThat(rows(database, "SELECT id::text FROM delivery.notification ORDER BY id"))
                .as("and every later migration keeps them")
                .hasSameSizeAs(notificationsBefore);
        assertThat(rows(database, "SELECT DISTINCT status FROM delivery.notification ORDER BY status"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(NotificationStatus.values())
                        .map(NotificationStatus::text)
                        .toList());
        // partitioned now, each row in its day's partition, and every event still known to the dedup table
        assertThat(rows(database, "SELECT relkind::text FROM pg_class WHERE oid = 'delivery.notification'::regclass"))
                .containsExactly("p");
        assertThat(rows(database, """
                        SELECT count(*) FROM delivery.notification
                         WHERE tableoid::regclass::text
                               <> 'delivery.notification_p' || to_char(received_at AT TIME ZONE 'UTC', 'YYYYMMDD')""")).containsExactly("0");
        assertThat(rows(database, """
                        SELECT count(*) FROM delivery.notification n
                          JOIN delivery.notification_dedup d
                            ON d.tenant_id = n.tenant_id AND d.event_id = n.event_id AND d.notification_id = n.id""")).containsExactly(String.valueOf(ids.size()));
        // a new attempt is numbered after the kept ones
        try (Connection connection = database.connect();
                var statement = connection.createStatement()) {
            statement.executeUpdate("""
                    INSERT INTO delivery.attempt (notification_id, tenant_id, provider, outcome, latency_ms)
                    VALUES (gen_random_uuid(), gen_random_uuid(), 'fcm', 'delivered', 1)""");
        }
        assertThat(rows(database, "SELECT count(DISTINCT id) = count(*) FROM delivery.attempt"))
                .containsExactly("t");
    }

    private static Flyway flyway(TestDatabase database, MigrationVersion target) {
        var configuration = Flyway.configure()
                .dataSource(database.jdbcUrl(), database.user(), database.password())
                .schemas("delivery")
                .locations("classpath:db/migration/delivery");
        if (target != null) {
            configuration = configuration.target(target);
        }
        return configuration.load();
    }

    /** A notification in {@code status} received at {@code receivedAt}, as dispatch leaves it, with two attempts. */
    private static UUID notification(Connection connection, NotificationStatus status, Instant receivedAt)
            throws SQLException {
        UUID id = UUID.randomUUID();
        UUID tenant = UUID.randomUUID();
        boolean finished = status != NotificationStatus.ACCEPTED && status != NotificationStatus.RETRYING;
        try (var insert = connection.prepareStatement("""
                INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload, status,
                    received_at, completed_at, lease_until, lease_owner, attempts, provider, error_code, error_detail,
                    answered_at)
                VALUES (?, ?, ?, ?, 'session', '{"eventId":"x"}', ?, ?, ?, ?, ?, 2, 'fcm', ?, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setObject(2, tenant);
            insert.setObject(3, UUID.randomUUID());
            insert.setString(4, "event-" + status.text());
            insert.setString(5, status.text());
            insert.setTimestamp(6, Timestamp.from(receivedAt));
            insert.setTimestamp(7, finished ? Timestamp.from(receivedAt.plusSeconds(2)) : null);
            insert.setTimestamp(8, Timestamp.from(receivedAt.plusSeconds(30)));
            insert.setObject(9, status == NotificationStatus.ACCEPTED ? UUID.randomUUID() : null);
            insert.setString(10, finished ? null : "UNAVAILABLE");
            insert.setString(11, status == NotificationStatus.FAILED ? "the provider refused it" : null);
            insert.setTimestamp(12, Timestamp.from(receivedAt.plusSeconds(1)));
            insert.executeUpdate();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try (var insert = connection.prepareStatement("""
                    INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code,
                        latency_ms, at)
                    VALUES (?, ?, 'fcm', ?, ?, ?, 12.5, ?)""")) {
                insert.setObject(1, id);
                insert.setObject(2, tenant);
                insert.setObject(3, UUID.randomUUID());
                insert.setString(4, attempt == 0 ? "retry" : "delivered");
                insert.setString(5, attempt == 0 ? "UNAVAILABLE" : null);
                insert.setTimestamp(6, Timestamp.from(receivedAt.plusMillis(500L * (attempt + 1))));
                insert.executeUpdate();
            }
        }
        return id;
    }

    private static List<String> rows(TestDatabase database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect();
                var result = connection.createStatement().executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
