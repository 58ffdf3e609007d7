package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.dispatch.DeliveryFixtures;
import io.pushgate.delivery.registration.ActiveRegistrations.ActiveCount;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's counts of active registrations: kept as registrations are written, deleted,
 * invalidated and expire, without reading the registration table; and a recount's slice of the table.
 */
@DeliveryServiceTest
class ActiveRegistrationsIntegrationTests {

    @Autowired
    Registrations registrations;

    @Autowired
    ActiveRegistrations active;

    @Autowired
    DatabaseClient database;

    /**
     * Every write of the registration API moves its configuration's count by exactly what it changed —
     * a new registration, the same one again, one that supersedes the session's older one, one moved to
     * another configuration, one invalidated by the provider, registered again, deleted — without a read
     * of the table: after each, the count equals the table's own count.
     */
    @Test
    void everyWriteMovesItsConfigurationsCountByWhatItChanged() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        register(tenant, first, "token-a", "session-1");
        assertCounts(tenant, first, second, 1, 0);
        register(tenant, first, "token-a", "session-1");
        assertCounts(tenant, first, second, 1, 0);
        // the session's newer device: token-a is superseded
        register(tenant, first, "token-b", "session-1");
        assertCounts(tenant, first, second, 1, 0);
        register(tenant, first, "token-c", "session-2");
        assertCounts(tenant, first, second, 2, 0);
        // token-c moves to the second configuration
        register(tenant, second, "token-c", "session-2");
        assertCounts(tenant, first, second, 1, 1);
        UUID b = idOf(tenant, "token-b");
        assertThat(registrations.invalidate(b, "unregistered").block(Duration.ofSeconds(5)))
                .isEqualTo(1);
        assertThat(registrations.invalidate(b, "unregistered").block(Duration.ofSeconds(5)))
                .isZero();
        assertCounts(tenant, first, second, 0, 1);
        // the app registers the dead token again (the provider took it back)
        register(tenant, first, "token-b", "session-1");
        assertCounts(tenant, first, second, 1, 1);
        assertThat(registrations.delete(tenant, "token-b").block(Duration.ofSeconds(5)))
                .isTrue();
        assertThat(registrations.delete(tenant, "token-b").block(Duration.ofSeconds(5)))
                .isFalse();
        assertCounts(tenant, first, second, 0, 1);
        // a superseded registration deleted: it was not counted
        assertThat(registrations.delete(tenant, "token-a").block(Duration.ofSeconds(5)))
                .isTrue();
        assertCounts(tenant, first, second, 0, 1);
    }

    /**
     * A flush whose statement fails (here the count would leave bigint's range) adds nothing and keeps
     * the changes in memory; the next flush, once the statement can succeed, adds them — none lost.
     */
    @Test
    void changesAFlushCouldNotAddAreAddedByTheNext() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        setCount(tenant, configuration, Long.MAX_VALUE);
        register(tenant, configuration, "token-kept", "session-1");

        active.flush().onErrorResume(error -> Mono.empty()).block(Duration.ofSeconds(5));
        assertThat(count(tenant, configuration)).as("nothing added").isEqualTo(Long.MAX_VALUE);

        setCount(tenant, configuration, 0);
        active.flush().block(Duration.ofSeconds(5));
        assertThat(count(tenant, configuration)).isEqualTo(1);
    }

    /**
     * A registration whose expiry passes is subtracted by the next expiry pass, and only once; one
     * registered again before that pass was never subtracted and is not added again; one registered
     * again after it is added again.
     */
    @Test
    void anExpiredRegistrationIsSubtractedOnceAndAddedAgainWhenRegisteredAgain() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        UUID unused = UUID.randomUUID();
        register(tenant, configuration, "token-early", "session-1");
        register(tenant, configuration, "token-late", "session-2");
        active.expire().block(Duration.ofSeconds(5));
        assertCounts(tenant, configuration, unused, 2, 0);
        Thread.sleep(1100);
        // both expire (as time would have it: a registration's expiry is the moment it was last renewed
        // plus pushgate.registration.idle-expiry)
        expireNow(tenant, "token-early");
        expireNow(tenant, "token-late");
        // token-early's app comes back before the expiry pass: it was still counted, and stays counted
        // once; token-late is counted until the pass
        register(tenant, configuration, "token-early", "session-1");
        active.flush().block(Duration.ofSeconds(5));
        assertThat(count(tenant, configuration)).isEqualTo(2);

        assertThat(active.expire().block(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(1);
        assertCounts(tenant, configuration, unused, 1, 0);
        active.expire().block(Duration.ofSeconds(5));
        assertCounts(tenant, configuration, unused, 1, 0);

        // token-late's app comes back after it
        register(tenant, configuration, "token-late", "session-2");
        assertCounts(tenant, configuration, unused, 2, 0);
    }

    /**
     * After a long stop of every instance the expiry pass has a long span to subtract: it does so in
     * statements that each read at most its batch of expiries (and any at the same instant as the batch's
     * last), one after the other up to now, and subtracts every expiry once.
     */
    @Test
    void aLongSpanOfExpiriesIsSubtractedInStatementsOfABatchEach() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        UUID unused = UUID.randomUUID();
        for (int n = 0; n < 7; n++) {
            register(tenant, configuration, "token-" + n, "session-" + n);
        }
        active.expire().block(Duration.ofSeconds(5));
        assertCounts(tenant, configuration, unused, 7, 0);
        Thread.sleep(50);
        // expiries at five instants since the last pass: token-0 to token-3 one each, the other three at one
        try (Connection connection = DeliveryFixtures.connect();
                var update = connection.prepareStatement("""
                        UPDATE delivery.registration
                           SET expires_at = now() - interval '10 milliseconds'
                                 + least(substring(device_token from 7)::int, 4) * interval '1 millisecond'
                         WHERE tenant_id = ?""")) {
            update.setObject(1, tenant);
            assertThat(update.executeUpdate()).isEqualTo(7);
        }

        ActiveRegistrations.Expired expired = active.expire(2).block(Duration.ofSeconds(5));

        // two, two, the three at one instant, and the one that finds nothing more: at least four statements
        assertThat(expired.statements()).isGreaterThanOrEqualTo(4);
        assertThat(expired.registrations()).isGreaterThanOrEqualTo(7);
        assertCounts(tenant, configuration, unused, 0, 0);
        active.expire(2).block(Duration.ofSeconds(5));
        assertCounts(tenant, configuration, unused, 0, 0);
    }

    /**
     * Maintenance's prune of the registrations that expired longer than the retention ago leaves one whose
     * expiry has not been subtracted from the counts yet (no instance has subtracted expiries for that
     * long): deleted, it would be counted for ever.
     */
    @Test
    void aRegistrationWhoseExpiryWasNotSubtractedYetIsNotPruned() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        register(tenant, configuration, "token-old", "session-1");
        String expiredThrough = "SELECT at FROM delivery.registration_count_state WHERE name = 'expired_through'";
        OffsetDateTime subtractedUntil;
        try (Connection connection = DeliveryFixtures.connect();
                var rows = connection.createStatement().executeQuery(expiredThrough)) {
            rows.next();
            subtractedUntil = rows.getObject(1, OffsetDateTime.class);
        }
        try (Connection connection = DeliveryFixtures.connect()) {
            connection.createStatement().executeUpdate("""
                    UPDATE delivery.registration_count_state SET at = now() - interval '10 days'
                     WHERE name = 'expired_through'""");
            try (var update = connection.prepareStatement("""
                    UPDATE delivery.registration SET expires_at = now() - interval '8 days'
                     WHERE tenant_id = ? AND device_token = 'token-old'""")) {
                update.setObject(1, tenant);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            registrations.deleteStale(Instant.now()).block(Duration.ofSeconds(30));
            assertThat(stored(tenant, "token-old"))
                    .as("kept until its expiry is subtracted")
                    .isTrue();
        } finally {
            try (Connection connection = DeliveryFixtures.connect();
                    var restore = connection.prepareStatement(
                            "UPDATE delivery.registration_count_state SET at = ? WHERE name = 'expired_through'")) {
                restore.setObject(1, subtractedUntil);
                restore.executeUpdate();
            }
        }

        registrations.deleteStale(Instant.now()).block(Duration.ofSeconds(30));
        assertThat(stored(tenant, "token-old")).isFalse();
    }

    /**
     * The expiry pass reads a minute's expiries through the expiry index, not the registration table:
     * its cost does not grow with the table (here twenty thousand registrations, none of them expiring).
     */
    @Test
    void theExpiryPassReadsTheExpiryIndexNotTheTable() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,
                            platform, provider, expires_at)
                        SELECT gen_random_uuid(), ?, ?, 'token-' || gen_random_uuid() || '-' || i, 'session-' || i,
                               'android', 'fcm', now() + interval '30 days' + i * interval '1 second'
                          FROM generate_series(1, 20000) AS i""")) {
            insert.setObject(1, tenant);
            insert.setObject(2, configuration);
            insert.executeUpdate();
            connection.createStatement().execute("ANALYZE delivery.registration");
        }
        active.expire().block(Duration.ofSeconds(5));

        String plan;
        try (Connection connection = DeliveryFixtures.connect()) {
            connection.setAutoCommit(false);
            try (var explain = connection.createStatement();
                    var rows = explain.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) "
                            + ActiveRegistrations.EXPIRE.replace(
                                    "$1", String.valueOf(ActiveRegistrations.EXPIRY_BATCH)))) {
                rows.next();
                plan = rows.getString(1);
            } finally {
                connection.rollback();
            }
        }
        List<JsonNode> reads = JsonMapper.builder().build().readTree(plan).findParents("Relation Name").stream()
                .filter(node -> node.get("Relation Name").asString().equals("registration"))
                .toList();
        // the span's end (its batch's last expiry) and the span's expiries: each a range of the index
        // bounded at both ends (bounded above only, it reads every expiry since the table began)
        assertThat(reads).as(plan).hasSize(2).allSatisfy(read -> {
            assertThat(read.get("Node Type").asString()).isIn("Index Scan", "Index Only Scan", "Bitmap Heap Scan");
            assertThat(read.toString()).contains("registration_expires_idx");
            String range = read.has("Index Cond")
                    ? read.get("Index Cond").asString()
                    : read.get("Recheck Cond").asString();
            assertThat(range).contains("expires_at >").contains("expires_at <=");
        });
        // the other tests' recounts read the whole table: leave it as small as it was
        try (Connection connection = DeliveryFixtures.connect();
                var delete =
                        connection.prepareStatement("DELETE FROM delivery.registration WHERE configuration_id = ?")) {
            delete.setObject(1, configuration);
            delete.executeUpdate();
        }
    }

    /**
     * A slice is read by a TID range scan of its own blocks (here one block of a table of many): what it
     * costs does not grow with the table. It answers the active registrations stored in those blocks.
     */
    @Test
    void aSliceReadsItsBlocksAndNoOthers() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID configuration = UUID.randomUUID();
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,
                            platform, provider, expires_at, invalidated_at)
                        SELECT gen_random_uuid(), ?, ?, 'token-' || gen_random_uuid() || '-' || i, 'session-' || i,
                               'android', 'fcm', now() + interval '30 days', CASE WHEN i % 10 = 0 THEN now() END
                          FROM generate_series(1, 1000) AS i""")) {
            insert.setObject(1, tenant);
            insert.setObject(2, configuration);
            insert.executeUpdate();
        }
        long block = firstBlockHolding(configuration);
        long blocks = active.blocks().block(Duration.ofSeconds(5));
        assertThat(blocks).as("the table holds many blocks").isGreaterThanOrEqualTo(block + 10);

        List<ActiveCount> counted = active.activeCounts(block, block + 1, Instant.now())
                .collectList()
                .block(Duration.ofSeconds(10));
        assertThat(counted)
                .filteredOn(count -> count.configurationId().equals(configuration))
                .singleElement()
                .extracting(ActiveCount::active)
                .isEqualTo(activeInBlock(configuration, block));

        JsonNode scan = JsonMapper.builder()
                .build()
                .readTree(
                        database.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + ActiveRegistrations.COUNTED_IN_BLOCKS)
                                .bind(0, block)
                                .bind(1, block + 1)
                                .bind(2, OffsetDateTime.now())
                                .map((row, metadata) -> row.get(0, String.class))
                                .one()
                                .block(Duration.ofSeconds(10)))
                .at("/0/Plan")
                .findParent("Relation Name");
        assertThat(scan.get("Node Type").asString()).isEqualTo("Tid Range Scan");
        assertThat(scan.get("Shared Hit Blocks").asLong()
                        + scan.get("Shared Read Blocks").asLong())
                .as("blocks the scan read")
                .isEqualTo(1);
    }

    private void register(UUID tenant, UUID configuration, String deviceToken, String session) {
        RegistrationRequest request = new RegistrationRequest(
                deviceToken,
                "axp-" + configuration,
                session,
                null,
                DevicePlatform.ANDROID,
                PushProvider.FCM,
                null,
                null);
        assertThat(registrations.register(tenant, configuration, request, false).block(Duration.ofSeconds(5)))
                .isNotNull();
    }

    /** The changes added, both counts are as expected, and the first equals the table's own count. */
    private void assertCounts(UUID tenant, UUID configuration, UUID other, long expected, long otherExpected)
            throws SQLException {
        active.flush().block(Duration.ofSeconds(5));
        assertThat(count(tenant, configuration)).as("the count").isEqualTo(expected);
        assertThat(count(tenant, other)).as("the other configuration's count").isEqualTo(otherExpected);
        assertThat(queryLong("""
                        SELECT count(*) FROM delivery.registration
                         WHERE configuration_id = ? AND invalidated_at IS NULL AND expires_at > now()""", configuration, null))
                .as("the table's own count")
                .isEqualTo(expected);
    }

    private static long count(UUID tenant, UUID configuration) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var query = connection.prepareStatement("""
                        SELECT coalesce(sum(active), 0) FROM delivery.registration_count
                         WHERE tenant_id = ? AND configuration_id = ?""")) {
            query.setObject(1, tenant);
            query.setObject(2, configuration);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void setCount(UUID tenant, UUID configuration, long active) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var upsert = connection.prepareStatement("""
                        INSERT INTO delivery.registration_count (tenant_id, configuration_id, active) VALUES (?, ?, ?)
                        ON CONFLICT (tenant_id, configuration_id) DO UPDATE SET active = EXCLUDED.active""")) {
            upsert.setObject(1, tenant);
            upsert.setObject(2, configuration);
            upsert.setLong(3, active);
            upsert.executeUpdate();
        }
    }

    private static boolean stored(UUID tenant, String deviceToken) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var query = connection.prepareStatement(
                        "SELECT 1 FROM delivery.registration WHERE tenant_id = ? AND device_token = ?")) {
            query.setObject(1, tenant);
            query.setString(2, deviceToken);
            try (var rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static UUID idOf(UUID tenant, String deviceToken) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var query = connection.prepareStatement(
                        "SELECT id FROM delivery.registration WHERE tenant_id = ? AND device_token = ?")) {
            query.setObject(1, tenant);
            query.setString(2, deviceToken);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getObject(1, UUID.class);
            }
        }
    }

    private static void expireNow(UUID tenant, String deviceToken) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var update = connection.prepareStatement("""
                        UPDATE delivery.registration SET expires_at = now() - interval '500 milliseconds'
                         WHERE tenant_id = ? AND device_token = ?""")) {
            update.setObject(1, tenant);
            update.setString(2, deviceToken);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static long firstBlockHolding(UUID configuration) throws SQLException {
        return queryLong(
                "SELECT min((ctid::text::point)[0])::bigint FROM delivery.registration WHERE configuration_id = ?",
                configuration,
                null);
    }

    private static long activeInBlock(UUID configuration, long block) throws SQLException {
        return queryLong("""
                        SELECT count(*) FROM delivery.registration
                         WHERE configuration_id = ? AND (ctid::text::point)[0] = ?
                           AND invalidated_at IS NULL AND expires_at > now()""", configuration, block);
    }

    private static long queryLong(String sql, UUID configuration, Long block) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var query = connection.prepareStatement(sql)) {
            query.setObject(1, configuration);
            if (block != null) {
                query.setLong(2, block);
            }
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
