package io.pushgate.delivery.readapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The read side over real rows: filters, keyset paging, tenant scoping, attempts and statistics. */
@DeliveryServiceTest
class NotificationQueriesIntegrationTests {

    private static final Instant BASE = Instant.parse("2026-01-01T10:00:00Z");

    @Autowired
    NotificationQueries queries;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient database;

    UUID tenant;
    UUID configuration;

    @BeforeEach
    void newTenant() {
        tenant = UUID.randomUUID();
        configuration = UUID.randomUUID();
    }

    private UUID notification(String session, String status, Instant receivedAt, Long latencyMs) throws Exception {
        UUID id = UUID.randomUUID();
        partitionsOf(receivedAt);
        try (Connection connection = connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                            status, received_at, completed_at, answered_at)
                        VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?)""")) {
            boolean finished = !status.equals("accepted") && !status.equals("retrying");
            insert.setObject(1, id);
            insert.setObject(2, tenant);
            insert.setObject(3, configuration);
            insert.setString(4, "event-" + id);
            insert.setString(5, session);
            insert.setString(6, status);
            insert.setTimestamp(7, Timestamp.from(receivedAt));
            insert.setTimestamp(8, finished ? Timestamp.from(receivedAt.plusSeconds(1)) : null);
            insert.setTimestamp(9, latencyMs == null ? null : Timestamp.from(receivedAt.plusMillis(latencyMs)));
            insert.executeUpdate();
        }
        return id;
    }

    private void attempt(UUID notification, String provider, String outcome, String errorCode, double latencyMs)
            throws Exception {
        try (Connection connection = connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.attempt (notification_id, tenant_id, provider, outcome, error_code, latency_ms, at)
                        SELECT ?, ?, ?, ?, ?, ?, received_at + interval '1 second' FROM delivery.notification WHERE id = ?""")) {
            insert.setObject(1, notification);
            insert.setObject(2, tenant);
            insert.setString(3, provider);
            insert.setString(4, outcome);
            insert.setString(5, errorCode);
            insert.setDouble(6, latencyMs);
            insert.setObject(7, notification);
            insert.executeUpdate();
        }
    }

    /** The partitions of the day {@code at} falls on (the migration made only today's and the next days'). */
    static void partitionsOf(Instant at) throws Exception {
        try (Connection connection = connect();
                var create = connection.prepareStatement("SELECT delivery.create_day_partitions(?::date)")) {
            create.setString(
                    1, at.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString());
            create.execute();
        }
    }

    private static Connection connect() throws Exception {
        TestDatabase database = TestDatabase.get();
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    @Test
    void listsNewestFirstInPagesThatNeitherRepeatNorSkip() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(0, notification("s", "delivered", BASE.plusSeconds(i), 10L));
        }
        // two in the same microsecond: the id breaks the tie
        ids.add(0, notification("s", "delivered", BASE.plusSeconds(100), 10L));
        ids.add(0, notification("s", "delivered", BASE.plusSeconds(100), 10L));
        // PostgreSQL orders uuids by their unsigned bytes, as their hex text sorts (UUID.compareTo does not)
        ids.subList(0, 2).sort(java.util.Comparator.comparing(UUID::toString).reversed());

        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        do {
            NotificationPage page =
                    queries.list(tenant, NotificationFilter.none(), cursor, 3).block();
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            page.items().forEach(item -> seen.add(item.id()));
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(ids);
    }

    @Test
    void filtersByStatusTimeRangeAndSession() throws Exception {
        UUID delivered = notification("a", "delivered", BASE, 5L);
        UUID failed = notification("a", "failed", BASE.plusSeconds(10), null);
        UUID noDevice = notification("b", "no_device", BASE.plusSeconds(20), null);

        assertThat(ids(new NotificationFilter(Set.of("delivered", "failed"), null, null, null)))
                .containsExactly(failed, delivered);
        assertThat(ids(new NotificationFilter(Set.of(), BASE.plusSeconds(5), BASE.plusSeconds(20), null)))
                .containsExactly(failed);
        assertThat(ids(new NotificationFilter(Set.of(), null, null, "b"))).containsExactly(noDevice);
        assertThatThrownBy(() -> new NotificationFilter(Set.of("lost"), null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queries.list(tenant, NotificationFilter.none(), "not-a-cursor", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<UUID> ids(NotificationFilter filter) {
        return queries.list(tenant, filter, null, 50).block().items().stream()
                .map(NotificationSummary::id)
                .toList();
    }

    @Test
    void aNotificationComesWithItsAttemptsAndIsAnotherTenantsNever() throws Exception {
        UUID id = notification("s", "delivered", BASE, 2100L);
        attempt(id, "fcm", "retry", "UNAVAILABLE", 12.5);
        attempt(id, "fcm", "delivered", null, 8.25);

        NotificationDetails details = queries.get(tenant, id).block();

        assertThat(details.status()).isEqualTo("delivered");
        assertThat(details.receivedAt()).isEqualTo(BASE);
        assertThat(details.completedAt()).isEqualTo(BASE.plusSeconds(1));
        assertThat(details.attempts())
                .extracting(NotificationDetails.AttemptView::outcome, NotificationDetails.AttemptView::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("retry", "UNAVAILABLE"),
                        org.assertj.core.groups.Tuple.tuple("delivered", null));
        assertThat(queries.get(UUID.randomUUID(), id).block()).isNull();
        assertThat(queries.list(UUID.randomUUID(), NotificationFilter.none(), null, 50)
                        .block()
                        .items())
                .isEmpty();
    }

    @Test
    void answersWithTheJsonFieldNamesOfTheApi() throws Exception {
        UUID id = notification("s", "token_invalid", BASE, 30L);
        attempt(id, "apns", "token_invalid", "BadDeviceToken", 30);

        JsonNode json =
                JsonMapper.builder().build().valueToTree(queries.get(tenant, id).block());

        assertThat(json.propertyNames())
                .containsExactly(
                        "id",
                        "configurationId",
                        "eventId",
                        "sessionId",
                        "status",
                        "receivedAt",
                        "completedAt",
                        "errorDetail",
                        "attempts",
                        "resends");
        assertThat(json.get("attempts").get(0).propertyNames())
                .containsExactly("provider", "outcome", "errorCode", "latencyMs", "at");
        assertThat(json.get("resends").isArray()).isTrue();
    }

    @Test
    void statsCountEveryStatusAndTheLatencyPercentiles() throws Exception {
        for (int i = 1; i <= 100; i++) {
            notification("s", "delivered", BASE.plusSeconds(i), (long) i);
        }
        notification("s", "no_device", BASE.plusSeconds(5), null);
        notification("s", "retrying", BASE.plusSeconds(6), 40L);
        notification("s", "delivered", BASE.minus(1, ChronoUnit.DAYS), 99_999L);

        DeliveryStats stats =
                queries.stats(tenant, BASE, BASE.plus(1, ChronoUnit.HOURS)).block();

        assertThat(stats.counts())
                .containsEntry("delivered", 100L)
                .containsEntry("no_device", 1L)
                .containsEntry("retrying", 1L)
                .containsEntry("expired", 0L)
                .containsOnlyKeys(Arrays.stream(NotificationStatus.values())
                        .map(NotificationStatus::text)
                        .toList());
        assertThat(stats.latencyMs().samples()).isEqualTo(100);
        assertThat(stats.latencyMs().p50()).isEqualTo(50.5);
        assertThat(stats.latencyMs().p95()).isEqualTo(95.05);
        assertThat(stats.latencyMs().p99()).isEqualTo(99.01);
    }

    @Test
    void theFirstPageIsPlannedOnTheHotPartitionsOnly() throws Exception {
        Instant now = Instant.now();
        Instant old = now.minus(3, ChronoUnit.DAYS);
        List<UUID> recent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            recent.add(0, notification("s", "delivered", now.minusSeconds(60 - i), 1L));
        }
        notification("s", "delivered", old, 1L);

        assertThat(queries.list(tenant, NotificationFilter.none(), null, 3)
                        .block()
                        .items())
                .extracting(NotificationSummary::id)
                .containsExactlyElementsOf(recent.subList(0, 3));
        String plan = explain(queries.firstPage(
                tenant, NotificationFilter.none(), 3, now.minus(NotificationQueries.FIRST_PAGE_SPAN)));
        assertThat(plan).contains(partition(now)).doesNotContain(partition(old));

        // a page after a cursor plans no partition newer than the cursor
        NotificationQueries.Cursor cursor = new NotificationQueries.Cursor(old.plusSeconds(1), UUID.randomUUID());
        String after = explain(queries.listQuery(tenant, NotificationFilter.none(), cursor, 3, null, null));
        assertThat(after).contains(partition(old)).doesNotContain(partition(now));
    }

    @Test
    void anEventIdIsFoundThroughTheDedupTableAndInTheDaysOlderThanItsWindow() throws Exception {
        Instant now = Instant.now();
        // AXP sent the event again after the dedup window had forgotten it: two notifications
        UUID recent = eventNotification("again", now.minusSeconds(30), true);
        UUID old = eventNotification("again", now.minus(10, ChronoUnit.DAYS), false);
        eventNotification("another", now.minusSeconds(20), true);
        notification("s", "delivered", now.minus(2, ChronoUnit.DAYS), 1L);

        assertThat(ids(new NotificationFilter(Set.of(), null, null, null, null, "again")))
                .containsExactly(recent, old);
        assertThat(ids(new NotificationFilter(Set.of(), null, null, null, null, "another")))
                .hasSize(1);
        assertThat(ids(new NotificationFilter(Set.of(), null, null, null, null, "never-sent")))
                .isEmpty();
        // the other filters still apply, and the pages still page
        assertThat(ids(new NotificationFilter(Set.of("failed"), null, null, null, null, "again")))
                .isEmpty();
        NotificationPage first = queries.list(
                        tenant, new NotificationFilter(Set.of(), null, null, null, null, "again"), null, 1)
                .block();
        assertThat(first.items()).extracting(NotificationSummary::id).containsExactly(recent);
        assertThat(queries.list(
                                tenant,
                                new NotificationFilter(Set.of(), null, null, null, null, "again"),
                                first.nextCursor(),
                                1)
                        .block()
                        .items())
                .extracting(NotificationSummary::id)
                .containsExactly(old);

        // planned on the partition the dedup table names and the days older than the window only
        NotificationFilter again = new NotificationFilter(Set.of(), null, null, null, null, "again");
        String plan = explain(queries.listQuery(
                tenant,
                again,
                null,
                50,
                null,
                null,
                queries.eventLocation(tenant, "again", now).block()));
        assertThat(plan)
                .contains(partition(now.minusSeconds(30)))
                .contains(partition(now.minus(10, ChronoUnit.DAYS)))
                .doesNotContain(partition(now.minus(2, ChronoUnit.DAYS)));
    }

    /** A notification of event {@code eventId}; with its dedup key, as the inbox writes it, when {@code known}. */
    private UUID eventNotification(String eventId, Instant receivedAt, boolean known) throws Exception {
        UUID id = notification("s", "delivered", receivedAt, 1L);
        try (Connection connection = connect();
                var update =
                        connection.prepareStatement("UPDATE delivery.notification SET event_id = ? WHERE id = ?")) {
            update.setString(1, eventId);
            update.setObject(2, id);
            update.executeUpdate();
        }
        if (known) {
            try (Connection connection = connect();
                    var insert = connection.prepareStatement("""
                            INSERT INTO delivery.notification_dedup (tenant_id, event_id, notification_id, received_at)
                            VALUES (?, ?, ?, ?)""")) {
                insert.setObject(1, tenant);
                insert.setString(2, eventId);
                insert.setObject(3, id);
                insert.setTimestamp(4, Timestamp.from(receivedAt));
                insert.executeUpdate();
            }
        }
        return id;
    }

    @Test
    void aQuietTenantsFirstPageGoesOnToTheOlderPartitions() throws Exception {
        Instant now = Instant.now();
        UUID fresh = notification("s", "delivered", now.minusSeconds(5), 1L);
        UUID older = notification("s", "delivered", now.minus(3, ChronoUnit.DAYS), 1L);
        UUID oldest = notification("s", "delivered", now.minus(4, ChronoUnit.DAYS), 1L);

        NotificationPage page =
                queries.list(tenant, NotificationFilter.none(), null, 2).block();

        assertThat(page.items()).extracting(NotificationSummary::id).containsExactly(fresh, older);
        assertThat(queries.list(tenant, NotificationFilter.none(), page.nextCursor(), 2)
                        .block()
                        .items())
                .extracting(NotificationSummary::id)
                .containsExactly(oldest);
    }

    private String explain(NotificationQueries.Query query) {
        var statement = database.sql("EXPLAIN " + query.sql());
        for (int i = 0; i < query.values().size(); i++) {
            statement = statement.bind(i, query.values().get(i));
        }
        return String.join(
                "\n",
                statement
                        .map((row, metadata) -> row.get(0, String.class))
                        .all()
                        .collectList()
                        .block());
    }

    private static String partition(Instant at) {
        return "notification_p"
                + java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(
                        at.atOffset(java.time.ZoneOffset.UTC).toLocalDate());
    }

    /** A re-sent notification's latency counts from its re-send: the hour it lay failed is not the provider's. */
    @Test
    void aResentNotificationsLatencyCountsFromItsResend() throws Exception {
        UUID id = notification("s", "delivered", BASE.plusSeconds(1), null);
        try (Connection connection = connect();
                var update = connection.prepareStatement(
                        "UPDATE delivery.notification SET resent_at = ?, answered_at = ? WHERE id = ?")) {
            Instant resent = BASE.plus(1, ChronoUnit.HOURS);
            update.setTimestamp(1, Timestamp.from(resent));
            update.setTimestamp(2, Timestamp.from(resent.plusMillis(20)));
            update.setObject(3, id);
            update.executeUpdate();
        }

        DeliveryStats stats =
                queries.stats(tenant, BASE, BASE.plus(1, ChronoUnit.HOURS)).block();

        assertThat(stats.latencyMs().samples()).isEqualTo(1);
        assertThat(stats.latencyMs().p99()).isEqualTo(20.0);
    }
}
