package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/notifications} by configuration and by event: each item names its configuration,
 * the filters narrow to exactly what they name (and only in the caller's tenant), and a bad value is
 * a 400 naming the parameter. In this package for the shared test context with a platform token issuer.
 */
class NotificationFiltersIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void filtersByConfigurationAndEventAndEachItemNamesItsConfiguration() throws SQLException {
        Tenant tenant = tenant();
        Tenant second = configuration(tenant.id(), false);
        UUID a1 = notification(tenant.id(), tenant.configurationId(), "pushgate-test-" + UUID.randomUUID());
        UUID a2 = notification(tenant.id(), tenant.configurationId(), "axp-event-" + UUID.randomUUID());
        UUID b1 = notification(tenant.id(), second.configurationId(), "axp-event-" + UUID.randomUUID());
        String admin = admin(tenant.id());

        JsonNode all = list(admin, "");
        assertThat(ids(all)).containsExactlyInAnyOrder(a1, a2, b1);
        for (JsonNode item : all.get("items")) {
            UUID expected = UUID.fromString(item.get("id").asString()).equals(b1)
                    ? second.configurationId()
                    : tenant.configurationId();
            assertThat(item.get("configurationId").asString()).isEqualTo(expected.toString());
        }

        assertThat(ids(list(admin, "?configurationId=" + tenant.configurationId())))
                .containsExactlyInAnyOrder(a1, a2);
        assertThat(ids(list(admin, "?configurationId=" + second.configurationId())))
                .containsExactly(b1);
        String eventOfA2 = eventId(a2);
        assertThat(ids(list(admin, "?eventId=" + eventOfA2))).containsExactly(a2);
        assertThat(ids(list(admin, "?configurationId=" + second.configurationId() + "&eventId=" + eventOfA2)))
                .isEmpty();
        assertThat(ids(list(admin, "?configurationId=" + UUID.randomUUID()))).isEmpty();

        JsonNode details = http.get()
                .uri("/v1/notifications/" + b1)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(details.get("configurationId").asString())
                .isEqualTo(second.configurationId().toString());
    }

    @Test
    void anotherTenantsConfigurationOrEventShowsNothing() throws SQLException {
        Tenant mine = tenant();
        Tenant theirs = tenant();
        UUID theirNotification = notification(theirs.id(), theirs.configurationId(), "axp-" + UUID.randomUUID());

        assertThat(ids(list(admin(mine.id()), "?configurationId=" + theirs.configurationId())))
                .isEmpty();
        assertThat(ids(list(admin(mine.id()), "?eventId=" + eventId(theirNotification))))
                .isEmpty();
    }

    @Test
    void aBadFilterIsA400NamingIt() throws SQLException {
        String admin = admin(tenant().id());
        assertThat(badRequest(admin, "?configurationId=not-a-uuid")).isEqualTo("configurationId");
        assertThat(badRequest(admin, "?eventId=")).isEqualTo("eventId");
        assertThat(badRequest(admin, "?eventId=" + "e".repeat(129))).isEqualTo("eventId");
    }

    private String admin(UUID tenantId) {
        return platformToken(tenantId).scope(Scopes.TENANT_READ).sign();
    }

    private JsonNode list(String token, String query) {
        return http.get()
                .uri("/v1/notifications" + query)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    private String badRequest(String token, String query) {
        JsonNode problem = http.get()
                .uri("/v1/notifications" + query)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
        return problem.get("field").asString();
    }

    private static List<UUID> ids(JsonNode page) {
        List<UUID> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(UUID.fromString(item.get("id").asString())));
        return ids;
    }

    /** A finished notification with its dedup key, both received at the statement's {@code now()}, as the inbox writes them. */
    private static UUID notification(UUID tenantId, UUID configurationId, String eventId) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        WITH dedup AS (
                            INSERT INTO delivery.notification_dedup (tenant_id, event_id, notification_id, received_at)
                            VALUES (?, ?, ?, now()))
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload,
                            status, received_at, completed_at)
                        VALUES (?, ?, ?, ?, 'session', '{}', 'no_device', now(), now())""")) {
            insert.setObject(1, tenantId);
            insert.setString(2, eventId);
            insert.setObject(3, id);
            insert.setObject(4, id);
            insert.setObject(5, tenantId);
            insert.setObject(6, configurationId);
            insert.setString(7, eventId);
            insert.executeUpdate();
        }
        return id;
    }

    private static String eventId(UUID notification) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement("SELECT event_id FROM delivery.notification WHERE id = ?")) {
            query.setObject(1, notification);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
