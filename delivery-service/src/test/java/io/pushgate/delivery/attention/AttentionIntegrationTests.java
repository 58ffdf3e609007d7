package io.pushgate.delivery.attention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/attention} over real HTTP: a credential whose sends the provider refused for the
 * credential (and not one that delivered again, nor one refused for the device, nor long ago), an APNs
 * certificate near its expiry, a configuration whose callbacks were refused (sent for real), a
 * configuration's backlog; another tenant's items never; the problems of a missing token and a
 * token without {@code tenant.read}.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s",
            "pushgate.callback-log.flush-interval=200ms",
            "pushgate.attention.window=1h",
            "pushgate.attention.certificate-notice=30d",
            "pushgate.attention.backlog-age=5m"
        })
class AttentionIntegrationTests {

    static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @LocalServerPort
    int port;

    TestConfigurations.Inserted mine;
    TestConfigurations.Inserted theirs;

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        registry.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        registry.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @BeforeEach
    void tenants() throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            // today's and yesterday's (UTC): the tests write rows up to two hours old
            connection
                    .createStatement()
                    .execute("SELECT delivery.create_day_partitions((now() AT TIME ZONE 'UTC')::date),"
                            + " delivery.create_day_partitions((now() AT TIME ZONE 'UTC')::date - 1)");
            mine = TestConfigurations.configuration().insert(connection);
            theirs = TestConfigurations.configuration().insert(connection);
        }
    }

    @Test
    void aTenantWithNothingWrongGetsNoItems() throws Exception {
        JsonNode answer = attention(mine.tenantId());
        assertThat(answer.path("items").isArray()).isTrue();
        assertThat(answer.path("items")).isEmpty();
        assertThat(answer.path("checkedAt").asString()).isNotBlank();
    }

    @Test
    void aCredentialWhoseRecentSendsWereRefusedIsListedWithItsCodeAndAdvice() throws Exception {
        Instant now = Instant.now();
        UUID refusedKey = credential(mine.tenantId(), "apns", "iOS key", "{}");
        attempt(mine.tenantId(), refusedKey, "failed", "InvalidProviderToken", now.minusSeconds(120));
        attempt(mine.tenantId(), refusedKey, "failed", "InvalidProviderToken", now.minusSeconds(60));
        // delivered, then refused: listed with the refusals after the last delivery only
        UUID relapsed = credential(mine.tenantId(), "fcm", "Android app", "{}");
        attempt(mine.tenantId(), relapsed, "failed", "UNAUTHENTICATED", now.minusSeconds(300));
        attempt(mine.tenantId(), relapsed, "delivered", null, now.minusSeconds(200));
        attempt(mine.tenantId(), relapsed, "failed", "UNAUTHENTICATED", now.minusSeconds(100));
        // refused, then delivered again: healed
        UUID healed = credential(mine.tenantId(), "fcm", "Healed", "{}");
        attempt(mine.tenantId(), healed, "failed", "UNAUTHENTICATED", now.minusSeconds(100));
        attempt(mine.tenantId(), healed, "delivered", null, now.minusSeconds(50));
        // refused for the message, not the credential; and refused outside the window
        UUID messageRefused = credential(mine.tenantId(), "fcm", "Message refused", "{}");
        attempt(mine.tenantId(), messageRefused, "failed", "invalid_message", now.minusSeconds(100));
        UUID longAgo = credential(mine.tenantId(), "fcm", "Long ago", "{}");
        attempt(mine.tenantId(), longAgo, "failed", "UNAUTHENTICATED", now.minus(2, ChronoUnit.HOURS));
        // another tenant's refused credential
        UUID foreign = credential(theirs.tenantId(), "apns", "Their key", "{}");
        attempt(theirs.tenantId(), foreign, "failed", "InvalidProviderToken", now.minusSeconds(30));

        List<JsonNode> items = items(attention(mine.tenantId()), "credential-failing");
        assertThat(items)
                .extracting(item -> item.path("subject").path("id").asString())
                .as("the newest refusal first")
                .containsExactly(refusedKey.toString(), relapsed.toString());
        JsonNode key = items.get(0);
        assertThat(key.path("subject").path("type").asString()).isEqualTo("credential");
        assertThat(key.path("subject").path("name").asString()).isEqualTo("iOS key");
        assertThat(key.path("count").asLong()).isEqualTo(2);
        assertThat(key.path("code").asString()).isEqualTo("InvalidProviderToken");
        assertThat(key.path("hint").asString())
                .contains("APNs refused the token key")
                .contains(".p8");
        assertThat(items.get(1).path("count").asLong())
                .as("only the refusal after the last delivery")
                .isEqualTo(1);
        assertThat(items.get(1).path("hint").asString()).contains("Google refused the service account");

        List<JsonNode> theirItems = items(attention(theirs.tenantId()), "credential-failing");
        assertThat(theirItems)
                .extracting(item -> item.path("subject").path("id").asString())
                .containsExactly(foreign.toString());
    }

    @Test
    void anApnsCertificateNearItsExpiryIsListedAndOneFarFromItIsNot() throws Exception {
        Instant soon = Instant.now().plus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        UUID expiring = credential(
                mine.tenantId(),
                "apns",
                "Expiring certificate",
                "{\"authentication\":\"certificate\",\"expiresAt\":\"" + soon + "\"}");
        credential(
                mine.tenantId(),
                "apns",
                "Fresh certificate",
                "{\"authentication\":\"certificate\",\"expiresAt\":\""
                        + Instant.now().plus(90, ChronoUnit.DAYS) + "\"}");
        credential(
                theirs.tenantId(),
                "apns",
                "Their certificate",
                "{\"authentication\":\"certificate\",\"expiresAt\":\"" + soon + "\"}");

        List<JsonNode> items = items(attention(mine.tenantId()), "certificate-expiring");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("subject").path("id").asString()).isEqualTo(expiring.toString());
        assertThat(Instant.parse(items.get(0).path("at").asString())).isEqualTo(soon);
        assertThat(items.get(0).path("hint").asString()).contains("expires on").contains("replace the credential");
    }

    @Test
    void aConfigurationWhoseCallbacksAreRefusedIsListedWithTheReasonAndTheHint() throws Exception {
        String eventId = "event-" + UUID.randomUUID();
        String sessionId = "session-" + UUID.randomUUID();
        assertThat(callback(
                        mine.callbackKey(),
                        AxpSignature.sign("not the secret", eventId, sessionId),
                        eventId,
                        sessionId))
                .isEqualTo(401);
        assertThat(callback(theirs.callbackKey(), null, eventId, sessionId)).isEqualTo(401);

        List<JsonNode> items = eventually(mine.tenantId(), "callbacks-refused", found -> !found.isEmpty());
        assertThat(items).hasSize(1);
        JsonNode item = items.get(0);
        assertThat(item.path("subject").path("type").asString()).isEqualTo("configuration");
        assertThat(item.path("subject").path("id").asString())
                .isEqualTo(mine.id().toString());
        assertThat(item.path("code").asString()).isEqualTo("signature-mismatch");
        assertThat(item.path("count").asLong()).isEqualTo(1);
        assertThat(item.path("hint").asString()).contains("rotate it here and paste the new one");
        List<JsonNode> theirItems = eventually(theirs.tenantId(), "callbacks-refused", found -> !found.isEmpty());
        assertThat(theirItems)
                .extracting(found -> found.path("code").asString())
                .containsExactly("signature-missing");
    }

    @Test
    void notificationsWaitingPastTheBacklogAgeAreListedPerConfiguration() throws Exception {
        Instant now = Instant.now();
        notification(mine, now.minus(10, ChronoUnit.MINUTES), "retrying");
        notification(mine, now.minus(8, ChronoUnit.MINUTES), "accepted");
        notification(mine, now.minusSeconds(10), "accepted"); // not late yet
        notification(theirs, now.minus(10, ChronoUnit.MINUTES), "accepted");

        List<JsonNode> items = items(attention(mine.tenantId()), "delivery-backlog");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("subject").path("id").asString())
                .isEqualTo(mine.id().toString());
        assertThat(items.get(0).path("count").asLong()).isEqualTo(2);
        assertThat(items.get(0).path("hint").asString()).contains("2 notifications have waited more than 5 minutes");
        assertThat(items(attention(theirs.tenantId()), "delivery-backlog"))
                .extracting(item -> item.path("count").asLong())
                .containsExactly(1L);
    }

    @Test
    void withoutATokenOrWithoutTenantReadTheAnswerIsAProblem() throws Exception {
        HttpResponse<String> anonymous = get(null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(anonymous.body()).path("type").asString())
                .isEqualTo(DeliveryApiProblem.UNAUTHENTICATED.type().toString());
        HttpResponse<String> registrationsOnly =
                get(token(mine.tenantId()).scope(Scopes.REGISTRATIONS).sign());
        assertThat(registrationsOnly.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(registrationsOnly.body()).path("type").asString())
                .isEqualTo(DeliveryApiProblem.FORBIDDEN.type().toString());
    }

    private List<JsonNode> eventually(UUID tenantId, String kind, Predicate<List<JsonNode>> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<JsonNode> items = items(attention(tenantId), kind);
            if (condition.test(items)) {
                return items;
            }
            assertThat(System.nanoTime()).as("waited 10 s for " + kind).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static List<JsonNode> items(JsonNode answer, String kind) {
        List<JsonNode> items = new ArrayList<>();
        answer.path("items").forEach(item -> {
            if (kind.equals(item.path("kind").asString())) {
                items.add(item);
            }
        });
        return items;
    }

    private JsonNode attention(UUID tenantId) throws Exception {
        HttpResponse<String> answer =
                get(token(tenantId).scope(Scopes.TENANT_READ).sign());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> get(String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/attention"))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int callback(String callbackKey, String signature, String eventId, String sessionId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/axp/callbacks/" + callbackKey))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\"}"));
        if (signature != null) {
            request.header(AxpSignature.HEADER, signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static TestIssuer.Token token(UUID tenantId) {
        return PLATFORM.token().audience("pushgate").subject("member-1").claim("tenant_id", tenantId.toString());
    }

    private static UUID credential(UUID tenantId, String type, String name, String metadata) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("INSERT INTO tenancy.credential"
                        + " (id, tenant_id, type, name, metadata, fingerprint) VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
            insert.setObject(1, id);
            insert.setObject(2, tenantId);
            insert.setString(3, type);
            insert.setString(4, name);
            insert.setString(5, metadata);
            insert.setString(6, "sha256:test");
            insert.executeUpdate();
        }
        return id;
    }

    /** An attempt as dispatch records it. */
    private static void attempt(UUID tenantId, UUID credentialId, String outcome, String errorCode, Instant at)
            throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("INSERT INTO delivery.attempt"
                        + " (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms, at)"
                        + " VALUES (?, ?, 'apns', ?, ?, ?, 12.5, ?)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, tenantId);
            insert.setObject(3, credentialId);
            insert.setString(4, outcome);
            insert.setString(5, errorCode);
            insert.setTimestamp(6, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    /** An unfinished notification received at {@code receivedAt}, its lease far ahead: no sweep takes it. */
    private static void notification(TestConfigurations.Inserted configuration, Instant receivedAt, String status)
            throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("INSERT INTO delivery.notification"
                        + " (id, tenant_id, configuration_id, event_id, session_id, payload, status, received_at,"
                        + " lease_until) VALUES (?, ?, ?, ?, ?, '{}'::jsonb, ?, ?, now() + interval '1 hour')")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, configuration.tenantId());
            insert.setObject(3, configuration.id());
            insert.setString(4, "event-" + UUID.randomUUID());
            insert.setString(5, "session-" + UUID.randomUUID());
            insert.setString(6, status);
            insert.setTimestamp(7, Timestamp.from(receivedAt));
            insert.executeUpdate();
        }
    }
}
