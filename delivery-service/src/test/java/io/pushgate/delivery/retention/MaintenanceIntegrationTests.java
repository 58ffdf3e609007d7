package io.pushgate.delivery.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The maintenance pass over real partitions, with the clock each test passes: every test's days lie
 * years back, far from the days the other tests of this database write today (a pass at such a
 * time neither drops today's partitions nor expires today's rows).
 */
@DeliveryServiceTest(properties = "pushgate.retention.lock-timeout=60s")
class MaintenanceIntegrationTests {

    @Autowired
    Maintenance maintenance;

    @AfterEach
    void dropTheTestsDays() {
        // a pass at today's time drops the years-old days (each test finishes its rows)
        maintenance.runOnce(Instant.now()).block();
    }

    @Test
    void partitionsAreCreatedAheadAndDroppedAfterRetention() throws Exception {
        Instant t0 = Instant.parse("2020-03-10T12:00:00Z");

        MaintenancePass first = maintenance.runOnce(t0).block();

        assertThat(first.ran()).isTrue();
        assertThat(partitions("2020031", "2020041"))
                .containsExactly(
                        "notification_p20200310",
                        "notification_p20200311",
                        "notification_p20200312",
                        "notification_p20200313");
        assertThat(partitions("attempt_p2020031", "attempt_p2020041")).hasSize(4);
        UUID tenth = notification(Instant.parse("2020-03-10T13:00:00Z"), true, null);
        UUID eleventh = notification(Instant.parse("2020-03-11T01:00:00Z"), true, null);
        attempt(tenth, Instant.parse("2020-03-10T13:00:01Z"));
        attempt(eleventh, Instant.parse("2020-03-11T01:00:01Z"));
        // idempotent: the same time again makes and drops nothing
        MaintenancePass again = maintenance.runOnce(t0).block();
        assertThat(again.created()).isEmpty();
        assertThat(again.dropped()).isEmpty();

        // 31 days on: the 10th ended more than 30 days ago, the 11th did not
        MaintenancePass later =
                maintenance.runOnce(t0.plus(31, ChronoUnit.DAYS)).block();

        assertThat(later.dropped()).contains("notification_p20200310", "attempt_p20200310");
        assertThat(later.dropped()).doesNotContain("notification_p20200311", "attempt_p20200311");
        assertThat(later.created()).contains("notification_p20200410", "notification_p20200413");
        assertThat(exists(tenth)).isFalse();
        assertThat(exists(eleventh)).isTrue();
        assertThat(count("SELECT count(*) FROM delivery.attempt WHERE notification_id = '" + eleventh + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM delivery.attempt WHERE notification_id = '" + tenth + "'"))
                .isZero();
    }

    @Test
    void aPartitionHoldingALeasedNotificationIsNotDropped() throws Exception {
        Instant t0 = Instant.parse("2020-05-10T12:00:00Z");
        maintenance.runOnce(t0).block();
        Instant due = t0.plus(31, ChronoUnit.DAYS);
        UUID leased = notification(Instant.parse("2020-05-10T13:00:00Z"), false, due.plus(1, ChronoUnit.HOURS));
        UUID finished = notification(Instant.parse("2020-05-10T14:00:00Z"), true, null);

        MaintenancePass pass = maintenance.runOnce(due).block();

        assertThat(pass.kept()).containsExactly("notification_p20200510");
        assertThat(pass.dropped()).doesNotContain("notification_p20200510", "attempt_p20200510");
        assertThat(status(leased)).isEqualTo("accepted");
        assertThat(exists(finished)).isTrue();

        // once its lease has run out, the notification (long past its window) is expired, and the day goes
        MaintenancePass after =
                maintenance.runOnce(due.plus(2, ChronoUnit.HOURS)).block();

        assertThat(after.expired()).isEqualTo(1);
        assertThat(after.dropped()).contains("notification_p20200510", "attempt_p20200510");
        assertThat(exists(leased)).isFalse();
    }

    @Test
    void thePassRunsOnOneInstanceAtATime() throws Exception {
        Instant t0 = Instant.parse("2020-07-10T12:00:00Z");
        maintenance.runOnce(t0).block();
        notification(Instant.parse("2020-07-10T13:00:00Z"), true, null);
        Instant due = t0.plus(31, ChronoUnit.DAYS);
        try (ConfigurableApplicationContext second = secondInstance()) {
            Maintenance other = second.getBean(Maintenance.class);
            MaintenancePass running;
            try (Connection reader = TestDatabase.get().connect()) {
                // a reader of the day due keeps this instance's pass waiting to drop it, inside the lock
                reader.setAutoCommit(false);
                reader.createStatement().executeQuery("SELECT count(*) FROM delivery.notification_p20200710");
                CompletableFuture<MaintenancePass> first =
                        maintenance.runOnce(due).toFuture();
                awaitLockHeld();

                MaintenancePass meanwhile = other.runOnce(due).block(Duration.ofSeconds(30));

                assertThat(meanwhile.ran()).isFalse();
                assertThat(first).isNotDone();
                reader.commit();
                running = first.get(60, TimeUnit.SECONDS);
            }
            assertThat(running.ran()).isTrue();
            assertThat(running.dropped()).contains("notification_p20200710");
            // the lock is free again: the other instance's pass runs, and finds nothing left to do
            MaintenancePass next = other.runOnce(due).block(Duration.ofSeconds(30));
            assertThat(next.ran()).isTrue();
            assertThat(next.created()).isEmpty();
            assertThat(next.dropped()).isEmpty();
        }
    }

    @Test
    void dedupKeysAreForgottenAfterTheDedupWindowOnly() throws Exception {
        String old = "event-" + UUID.randomUUID();
        String recent = "event-" + UUID.randomUUID();
        dedupKey(old, Instant.parse("2020-09-01T10:00:00Z"));
        dedupKey(recent, Instant.parse("2020-09-07T10:00:00Z"));

        // 7 days (the default window) before this pass is 2020-09-01T12:00: the key of 10:00 that day is older
        MaintenancePass pass =
                maintenance.runOnce(Instant.parse("2020-09-08T12:00:00Z")).block();

        assertThat(pass.dedupPruned()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM delivery.notification_dedup WHERE event_id = '" + old + "'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM delivery.notification_dedup WHERE event_id = '" + recent + "'"))
                .isEqualTo(1);
    }

    private static void dedupKey(String eventId, Instant receivedAt) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification_dedup (tenant_id, event_id, notification_id, received_at)
                        VALUES (?, ?, ?, ?)""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, eventId);
            insert.setObject(3, UUID.randomUUID());
            insert.setTimestamp(4, Timestamp.from(receivedAt));
            insert.executeUpdate();
        }
    }

    /** Another delivery-service on the same database: its own context, pool and maintenance. */
    private static ConfigurableApplicationContext secondInstance() {
        SpringApplication application = DeliveryServiceApplication.application();
        application.addInitializers(new TestPlatformInitializer());
        application.setDefaultProperties(Map.of(
                "spring.config.name", DeliveryServiceApplication.CONFIG_NAME,
                "server.port", "0",
                "pushgate.retention.lock-timeout", "60s"));
        return application.run();
    }

    private static void awaitLockHeld() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
                == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the first pass never took the lock");
            }
            Thread.sleep(20);
        }
        // the holder is past the lock and waiting for the reader (an ungranted relation lock or a wait on it)
        Thread.sleep(200);
    }

    private static UUID notification(Instant receivedAt, boolean finished, Instant leasedUntil) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                            status, received_at, completed_at, lease_owner, lease_until)
                        VALUES (?, ?, ?, ?, 's', '{}', ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setObject(2, UUID.randomUUID());
            insert.setObject(3, UUID.randomUUID());
            insert.setString(4, "event-" + id);
            insert.setString(5, finished ? "delivered" : "accepted");
            insert.setTimestamp(6, Timestamp.from(receivedAt));
            insert.setTimestamp(7, finished ? Timestamp.from(receivedAt.plusSeconds(1)) : null);
            insert.setObject(8, leasedUntil == null ? null : UUID.randomUUID());
            insert.setTimestamp(9, Timestamp.from(leasedUntil == null ? receivedAt : leasedUntil));
            insert.executeUpdate();
        }
        return id;
    }

    private static void attempt(UUID notification, Instant at) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.attempt (notification_id, tenant_id, provider, outcome, latency_ms, at)
                        VALUES (?, ?, 'fcm', 'delivered', 1, ?)""")) {
            insert.setObject(1, notification);
            insert.setObject(2, UUID.randomUUID());
            insert.setTimestamp(3, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    private static List<String> partitions(String from, String before) throws SQLException {
        List<String> names = new ArrayList<>();
        String prefix = from.startsWith("attempt") ? "" : "notification_p";
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement("""
                        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                         WHERE c.relkind = 'r' AND c.relname >= ? AND c.relname < ? ORDER BY c.relname""")) {
            query.setString(1, prefix + from);
            query.setString(2, prefix + before);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static boolean exists(UUID notification) throws SQLException {
        return count("SELECT count(*) FROM delivery.notification WHERE id = '" + notification + "'") == 1;
    }

    private static String status(UUID notification) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT status FROM delivery.notification WHERE id = '" + notification + "'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
