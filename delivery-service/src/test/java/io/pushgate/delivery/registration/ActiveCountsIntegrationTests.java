package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.dispatch.DeliveryFixtures;
import io.pushgate.delivery.registration.Registrations.ActiveCount;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's count of active registrations, one slice of the table's blocks at a time. */
@DeliveryServiceTest
class ActiveCountsIntegrationTests {

    @Autowired
    Registrations registrations;

    @Autowired
    DatabaseClient database;

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
        long blocks = registrations.blocks().block(Duration.ofSeconds(5));
        assertThat(blocks).as("the table holds many blocks").isGreaterThanOrEqualTo(block + 10);

        List<ActiveCount> counted =
                registrations.activeCounts(block, block + 1).collectList().block(Duration.ofSeconds(10));
        assertThat(counted)
                .filteredOn(count -> count.configurationId().equals(configuration))
                .singleElement()
                .extracting(ActiveCount::active)
                .isEqualTo(activeInBlock(configuration, block));

        JsonNode scan = JsonMapper.builder()
                .build()
                .readTree(database.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + Registrations.ACTIVE_IN_BLOCKS)
                        .bind(0, block)
                        .bind(1, block + 1)
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
