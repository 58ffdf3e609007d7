package io.pushgate.delivery.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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

    /** Longer than any pass of these tests takes; a pass that waits for itself fails here instead of hanging. */
    private static final Duration PASS_LIMIT = Duration.ofMinutes(2);

    @Autowired
    Maintenance maintenance;

    @AfterEach
    void dropTheTestsDays() {
        // a pass at today's time drops the years-old days (each test finishes its rows)
        maintenance.runOnce(Instant.now()).block(PASS_LIMIT);
    }

    @Test
    void aPassOverMoreDaysThanOneReadOfTheirListEnds() throws Exception {
        // forty days: more partitions than concatMap reads ahead (32), so that a statement about the
        // first of them is sent while their list is still being read, on the pass's one connection
        LocalDate first = LocalDate.parse("2016-01-01");
        // none of them left by an earlier run of this test that failed half-way (they are years old)
        maintenance.runOnce(Instant.now()).block(PASS_LIMIT);
        assertThat(partitions("2016", "2017")).isEmpty();
        try (Connection connection = TestDatabase.get().connect()) {
            for (int day = 0; day < 40; day++) {
                execute(connection, "SELECT delivery.create_day_partitions('" + first.plusDays(day) + "')");
            }
        }

        // on the 15th of February the first fifteen days are past the 30 days' retention, and the
        // other twenty-five are cold: each of those gets its event index
        MaintenancePass pass =
                maintenance.runOnce(Instant.parse("2016-02-15T12:00:00Z")).block(PASS_LIMIT);

        assertThat(pass.dropped())
                .filteredOn(name -> name.startsWith("notification_p2016"))
                .hasSize(15);
        assertThat(pass.dropped())
                .filteredOn(name -> name.startsWith("attempt_p2016"))
                .hasSize(15);
        assertThat(pass.indexed())
                .filteredOn(name -> name.startsWith("notification_p2016"))
                .hasSize(25);
        assertThat(pass.indexed()).contains("notification_p20160116", "notification_p20160209");

        // and later all of them are past retention (that pass makes its own days ahead, in April)
        maintenance.runOnce(Instant.parse("2016-04-30T12:00:00Z")).block(PASS_LIMIT);
        assertThat(partitions("2016", "201604")).isEmpty();
        assertThat(partitions("attempt_p2016", "attempt_p201604")).isEmpty();
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
    void daysColdForADayGetAnEventIndexAndAnInvalidOneIsBuiltAgain() throws Exception {
        Instant t0 = Instant.parse("2018-06-10T12:00:00Z");
        try (Connection connection = TestDatabase.get().connect()) {
            for (String day : new String[] {"2018-06-07", "2018-06-08", "2018-06-09"}) {
                execute(connection, "SELECT delivery.create_day_partitions('" + day + "')");
            }
            // what a failed CREATE INDEX CONCURRENTLY leaves: an invalid index of that name
            UUID tenant = UUID.randomUUID();
            bulkNotifications(tenant, Instant.parse("2018-06-07T10:00:00Z"), 2);
            try {
                execute(
                        connection,
                        "CREATE UNIQUE INDEX CONCURRENTLY notification_p20180607" + Maintenance.EVENT_INDEX_SUFFIX
                                + " ON delivery.notification_p20180607 (tenant_id)");
            } catch (SQLException duplicate) {
                // the two rows of one tenant: the build fails, its index stays behind, invalid
            }
        }
        assertThat(eventIndex("notification_p20180607")).isEqualTo("invalid");

        MaintenancePass pass = maintenance.runOnce(t0).block();

        // the 8th ended 36 hours before t0, the 9th 12 hours before: only the 9th is still hot
        assertThat(pass.indexed()).contains("notification_p20180608", "notification_p20180607");
        assertThat(pass.indexed()).doesNotContain("notification_p20180609", "notification_p20180610");
        assertThat(eventIndex("notification_p20180608")).isEqualTo("(tenant_id, event_id)");
        assertThat(eventIndex("notification_p20180607")).isEqualTo("(tenant_id, event_id)");
        assertThat(eventIndex("notification_p20180609")).isNull();
        assertThat(maintenance.runOnce(t0).block().indexed()).isEmpty();
    }

    /** The columns of {@code partition}'s event index, {@code "invalid"} when it is, {@code null} without one. */
    private static String eventIndex(String partition) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement("""
                        SELECT x.indisvalid, substring(pg_get_indexdef(x.indexrelid) from '\\(.*\\)') AS columns
                          FROM pg_class ix JOIN pg_index x ON x.indexrelid = ix.oid
                         WHERE ix.relname = ?""")) {
            query.setString(1, partition + Maintenance.EVENT_INDEX_SUFFIX);
            try (var rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return rows.getBoolean(1) ? rows.getString(2) : "invalid";
            }
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

    @Test
    void aPlansShorterRetentionDeletesItsTenantsFinishedNotificationsOlderThanItOnly() throws Exception {
        Instant t0 = Instant.parse("2021-03-10T12:00:00Z");
        maintenance.runOnce(t0).block(); // the partitions of the 10th to the 13th
        UUID shortened;
        UUID other;
        try (Connection connection = TestDatabase.get().connect()) {
            shortened = TestConfigurations.configuration().insert(connection).tenantId();
            other = TestConfigurations.configuration().insert(connection).tenantId();
            retentionDays(connection, shortened, 2);
        }
        UUID old = notification(shortened, Instant.parse("2021-03-10T13:00:00Z"), true, null);
        attempt(old, Instant.parse("2021-03-10T13:00:01Z"));
        attempt(old, Instant.parse("2021-03-11T09:00:00Z")); // a retry the next day, in the next day's partition
        resend(old, shortened);
        UUID unfinished = notification(
                shortened, Instant.parse("2021-03-10T14:00:00Z"), false, Instant.parse("2021-03-20T00:00:00Z"));
        UUID recent = notification(shortened, Instant.parse("2021-03-11T13:00:00Z"), true, null);
        UUID othersOld = notification(other, Instant.parse("2021-03-10T13:00:00Z"), true, null);
        // more than one batch of the tenant's old notifications, in the 11th's partition
        bulkNotifications(shortened, Instant.parse("2021-03-11T06:00:00Z"), Maintenance.RETENTION_BATCH + 1);

        // two days before this pass is 2021-03-11T12:00: the tenant's finished notifications before it go
        MaintenancePass pass =
                maintenance.runOnce(Instant.parse("2021-03-13T12:00:00Z")).block();

        assertThat(pass.shortened()).isEqualTo(2 + Maintenance.RETENTION_BATCH);
        assertThat(pass.dropped()).isEmpty();
        assertThat(exists(old)).isFalse();
        assertThat(count("SELECT count(*) FROM delivery.attempt WHERE notification_id = '" + old + "'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM delivery.resend WHERE notification_id = '" + old + "'"))
                .isZero();
        assertThat(exists(unfinished))
                .as("a notification that can still be delivered")
                .isTrue();
        assertThat(exists(recent)).as("received after the plan's cutoff").isTrue();
        assertThat(exists(othersOld))
                .as("another tenant's, kept by the platform's retention")
                .isTrue();
        assertThat(count("SELECT count(*) FROM delivery.notification WHERE tenant_id = '" + shortened
                        + "' AND received_at < '2021-03-11T12:00:00Z' AND completed_at IS NOT NULL"))
                .isZero();
        // idempotent: nothing more to delete at the same time
        assertThat(maintenance
                        .runOnce(Instant.parse("2021-03-13T12:00:00Z"))
                        .block()
                        .shortened())
                .isZero();
    }

    @Test
    void staleRegistrationsAndOldResendRecordsArePrunedByThePass() throws Exception {
        UUID tenant = UUID.randomUUID();
        String expiredLongAgo = registration(tenant, Instant.parse("2019-01-01T00:00:00Z"), null);
        String invalidatedLongAgo =
                registration(tenant, Instant.parse("2019-06-01T00:00:00Z"), Instant.parse("2019-01-02T00:00:00Z"));
        String expiredRecently = registration(tenant, Instant.parse("2019-01-05T00:00:00Z"), null);
        String usable = registration(tenant, Instant.parse("2019-02-01T00:00:00Z"), null);
        UUID oldResend = UUID.randomUUID();
        UUID recentResend = UUID.randomUUID();
        resend(oldResend, tenant, Instant.parse("2018-12-01T00:00:00Z"));
        resend(recentResend, tenant, Instant.parse("2018-12-20T00:00:00Z"));

        // registrations: 7 days (pushgate.registration.retention) before is 2019-01-03; re-sends:
        // 30 days and one before is 2018-12-09
        MaintenancePass pass =
                maintenance.runOnce(Instant.parse("2019-01-10T00:00:00Z")).block();

        assertThat(pass.registrationsPruned()).isEqualTo(2);
        assertThat(pass.resendsPruned()).isEqualTo(1);
        assertThat(registrationCount(expiredLongAgo)).isZero();
        assertThat(registrationCount(invalidatedLongAgo)).isZero();
        assertThat(registrationCount(expiredRecently)).isEqualTo(1);
        assertThat(registrationCount(usable)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM delivery.resend WHERE notification_id = '" + oldResend + "'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM delivery.resend WHERE notification_id = '" + recentResend + "'"))
                .isEqualTo(1);
    }

    @Test
    void anInstanceMakesTodaysPartitionsAtStartUpWithoutThePass() throws Exception {
        String today;
        try (Connection connection = TestDatabase.get().connect()) {
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
        try (ConfigurableApplicationContext second = secondInstance("pushgate.retention.enabled", "false")) {
            assertThat(second.getBean(Maintenance.class).isRunning())
                    .as("no pass on this instance's schedule")
                    .isFalse();
            try (Connection connection = TestDatabase.get().connect()) {
                assertThat(text(
                                connection,
                                "SELECT count(*) FROM pg_inherits WHERE inhrelid IN (to_regclass('delivery.notification_p"
                                        + today + "'), to_regclass('delivery.attempt_p" + today + "'))"))
                        .isEqualTo("2");
            }
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

    private static String registration(UUID tenant, Instant expiresAt, Instant invalidatedAt) throws SQLException {
        String token = "token-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,
                            platform, provider, expires_at, invalidated_at)
                        VALUES (?, ?, ?, ?, 's', 'android', 'fcm', ?, ?)""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, tenant);
            insert.setObject(3, UUID.randomUUID());
            insert.setString(4, token);
            insert.setTimestamp(5, Timestamp.from(expiresAt));
            insert.setTimestamp(6, invalidatedAt == null ? null : Timestamp.from(invalidatedAt));
            insert.executeUpdate();
        }
        return token;
    }

    private static long registrationCount(String token) throws SQLException {
        return count("SELECT count(*) FROM delivery.registration WHERE device_token = '" + token + "'");
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

    private static void retentionDays(Connection connection, UUID tenantId, int days) throws SQLException {
        TestConfigurations.plan(connection, tenantId, 10_000, 20_000);
        try (var plan = connection.prepareStatement("UPDATE tenancy.plan SET retention_days = ? WHERE tenant_id = ?")) {
            plan.setInt(1, days);
            plan.setObject(2, tenantId);
            plan.executeUpdate();
        }
    }

    private static void resend(UUID notification, UUID tenantId) throws SQLException {
        resend(notification, tenantId, Instant.now());
    }

    private static void resend(UUID notification, UUID tenantId, Instant requestedAt) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.resend (notification_id, tenant_id, requested_by, previous_status,
                            requested_at)
                        VALUES (?, ?, 'owner@example.com', 'failed', ?)""")) {
            insert.setObject(1, notification);
            insert.setObject(2, tenantId);
            insert.setTimestamp(3, Timestamp.from(requestedAt));
            insert.executeUpdate();
        }
    }

    private static void bulkNotifications(UUID tenantId, Instant receivedAt, int count) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                            status, received_at, completed_at, lease_until)
                        SELECT gen_random_uuid(), ?, gen_random_uuid(), 'bulk-' || gen_random_uuid(), 's', '{}',
                               'delivered', ?, ?, ?
                          FROM generate_series(1, ?)""")) {
            insert.setObject(1, tenantId);
            insert.setTimestamp(2, Timestamp.from(receivedAt));
            insert.setTimestamp(3, Timestamp.from(receivedAt.plusSeconds(1)));
            insert.setTimestamp(4, Timestamp.from(receivedAt));
            insert.setInt(5, count);
            insert.executeUpdate();
        }
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
    private static ConfigurableApplicationContext secondInstance(String... properties) {
        SpringApplication application = DeliveryServiceApplication.application();
        application.addInitializers(new TestPlatformInitializer());
        Map<String, Object> defaults = new java.util.HashMap<>(Map.of(
                "spring.config.name", DeliveryServiceApplication.CONFIG_NAME,
                "server.port", "0",
                "pushgate.retention.lock-timeout", "60s"));
        for (int i = 0; i + 1 < properties.length; i += 2) {
            defaults.put(properties[i], properties[i + 1]);
        }
        application.setDefaultProperties(defaults);
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
        return notification(UUID.randomUUID(), receivedAt, finished, leasedUntil);
    }

    private static UUID notification(UUID tenantId, Instant receivedAt, boolean finished, Instant leasedUntil)
            throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                            status, received_at, completed_at, lease_owner, lease_until)
                        VALUES (?, ?, ?, ?, 's', '{}', ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setObject(2, tenantId);
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
