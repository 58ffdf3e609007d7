package io.pushgate.delivery.dispatch;

import static io.pushgate.delivery.dispatch.DeliveryFixtures.awaitFinished;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.callback;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.event;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.notificationId;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.AvayaAliases;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmMessage;
import io.pushgate.testkit.TestHttp;
import io.pushgate.testkit.TestIssuer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole data plane over HTTP, as its users meet it: an app registers exactly as Avaya's Android
 * sample does, AXP calls back, the sandbox (the FCM emulator) receives the push, and the tenant's
 * admin reads what happened through the read API with a platform token.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.dispatch.enabled=true",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s"
        })
// its emulator stops with the class: so must its dispatcher, or it would take other tests' notifications
@DirtiesContext
class EndToEndIntegrationTests {

    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static final FcmEmulator sandbox = FcmEmulator.start();

    @LocalServerPort
    int port;

    WebTestClient http;
    TestConfigurations.Inserted configuration;
    String axpConfigurationId;

    @DynamicPropertySource
    static void platformAndSandbox(DynamicPropertyRegistry properties) {
        properties.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        properties.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
        properties.add("pushgate.sandbox.fcm-url", () -> sandbox.baseUri().toString());
        properties.add("pushgate.sandbox.access-token", () -> SANDBOX_TOKEN);
    }

    @BeforeAll
    static void acceptTheSandboxToken() {
        sandbox.acceptAccessToken(SANDBOX_TOKEN);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        PLATFORM.close();
    }

    /** A tenant whose configuration takes open registrations and pushes Android through the sandbox. */
    @BeforeEach
    void openSandboxConfiguration() throws Exception {
        http = WebTestClient.bindToServer(TestHttp.unpooled())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        configuration = DeliveryFixtures.configuration();
        UUID credential = DeliveryFixtures.sandboxCredential(configuration.tenantId());
        axpConfigurationId = "axp-" + UUID.randomUUID();
        try (Connection connection = DeliveryFixtures.connect();
                var update = connection.prepareStatement(
                        "UPDATE tenancy.configuration SET axp_configuration_id = ?, open_registration = true WHERE id = ?")) {
            update.setString(1, axpConfigurationId);
            update.setObject(2, configuration.id());
            update.executeUpdate();
        }
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 600);
    }

    @Test
    void avayasAndroidSampleRegistersUnchangedAndItsSessionGetsThePush() throws Exception {
        String deviceToken =
                "dGhpcy1pcy1hLXNhbXBsZQ:APA91bH" + UUID.randomUUID().toString().replace("-", "");
        // exactly the Android sample's call: no Authorization, {configId, sessionId}
        AvayaAliases.register(http, deviceToken, Map.of("configId", axpConfigurationId, "sessionId", "sample-session"))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deviceToken")
                .isEqualTo(deviceToken)
                .jsonPath("$.configId")
                .isEqualTo(axpConfigurationId)
                .jsonPath("$.sessionId")
                .isEqualTo("sample-session");

        AxpEvent event = event("sample-session");
        UUID notification = accepted(event);

        assertThat(awaitFinished(notification)).isEqualTo("delivered");
        List<FcmMessage> arrived = sandbox.messagesTo(deviceToken);
        assertThat(arrived).hasSize(1);
        assertThat(arrived.get(0).projectId()).isEqualTo("sandbox-" + configuration.tenantId());
        JsonNode data = arrived.get(0).message().get("data");
        // the keys the sample's FirebaseMessagingService reads
        assertThat(data.get("eventId").asString()).isEqualTo(event.eventId());
        assertThat(data.get("sessionId").asString()).isEqualTo("sample-session");
        assertThat(data.get("conversationId").asString()).isEqualTo(event.conversationId());
        assertThat(data.get("eventDate").asString()).isEqualTo(event.eventDate());
        assertThat(arrived.get(0).message().at("/android/priority").asString()).isEqualTo("high");
    }

    /**
     * On a configuration open to registrations without a token, anyone who knows (or guesses) a session
     * id can register a device for it; the device the app registered with its token still gets the
     * session's pushes, though the stranger's registration is newer.
     */
    @Test
    void aDeviceRegisteredWithATokenOutranksANewerOneRegisteredWithout() throws Exception {
        String session = "contested-" + UUID.randomUUID();
        String owned = "owned-device:APA91b" + UUID.randomUUID().toString().replace("-", "");
        String stranger =
                "stranger-device:APA91b" + UUID.randomUUID().toString().replace("-", "");
        String appToken = PLATFORM.token()
                .audience("pushgate")
                .subject("app-client-1")
                .claim("tenant_id", configuration.tenantId().toString())
                .claim("client_id", "app-client-1")
                .scope(Scopes.REGISTRATIONS)
                .sign();
        http.put()
                .uri("/v1/device-registrations/{token}", owned)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", axpConfigurationId, "sessionId", session, "platform", "android"))
                .exchange()
                .expectStatus()
                .isOk();
        AvayaAliases.register(http, stranger, Map.of("configId", axpConfigurationId, "sessionId", session))
                .expectStatus()
                .isOk();

        UUID notification = accepted(event(session));

        assertThat(awaitFinished(notification)).isEqualTo("delivered");
        assertThat(sandbox.messagesTo(owned)).hasSize(1);
        assertThat(sandbox.messagesTo(stranger)).isEmpty();
    }

    @Test
    void theTenantsAdminReadsNotificationsStatsAndSandboxMessages() throws Exception {
        String deviceToken =
                "admin-view-device:APA91b" + UUID.randomUUID().toString().replace("-", "");
        DeliveryFixtures.registration(configuration, deviceToken, "read-session", "android", "fcm");
        AxpEvent delivered = event("read-session");
        UUID deliveredId = accepted(delivered);
        UUID noDeviceId = accepted(event("session-without-device"));
        assertThat(awaitFinished(deliveredId)).isEqualTo("delivered");
        assertThat(awaitFinished(noDeviceId)).isEqualTo("no_device");
        String admin = adminToken(configuration.tenantId());

        JsonNode details = get(admin, "/v1/notifications/" + deliveredId, 200);
        assertThat(details.get("id").asString()).isEqualTo(deliveredId.toString());
        assertThat(details.get("eventId").asString()).isEqualTo(delivered.eventId());
        assertThat(details.get("sessionId").asString()).isEqualTo("read-session");
        assertThat(details.get("status").asString()).isEqualTo("delivered");
        assertThat(details.has("receivedAt")).isTrue();
        assertThat(details.has("completedAt")).isTrue();
        JsonNode attempt = details.get("attempts").get(0);
        assertThat(attempt.get("provider").asString()).isEqualTo("sandbox");
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.has("errorCode")).isTrue();
        assertThat(attempt.get("latencyMs").asLong()).isPositive();
        assertThat(attempt.has("at")).isTrue();

        JsonNode onlyDelivered = get(admin, "/v1/notifications?status=delivered&sessionId=read-session", 200);
        assertThat(onlyDelivered.get("items")).hasSize(1);
        assertThat(onlyDelivered.get("items").get(0).get("id").asString()).isEqualTo(deliveredId.toString());
        JsonNode both = get(admin, "/v1/notifications?status=delivered,no_device&limit=1", 200);
        assertThat(both.get("items")).hasSize(1);
        JsonNode rest = get(
                admin,
                "/v1/notifications?status=delivered,no_device&limit=1&cursor="
                        + both.get("nextCursor").asString(),
                200);
        assertThat(List.of(
                        both.get("items").get(0).get("id").asString(),
                        rest.get("items").get(0).get("id").asString()))
                .containsExactlyInAnyOrder(deliveredId.toString(), noDeviceId.toString());

        JsonNode stats = get(admin, "/v1/stats?from=" + Instant.now().minusSeconds(600), 200);
        assertThat(stats.at("/counts/delivered").asLong()).isEqualTo(1);
        assertThat(stats.at("/counts/no_device").asLong()).isEqualTo(1);
        assertThat(stats.at("/latencyMs/samples").asLong()).isPositive();

        JsonNode messages = get(admin, "/v1/sandbox/messages", 200);
        JsonNode message = messages.get("items").get(0);
        assertThat(message.get("deviceToken").asString()).isEqualTo(deviceToken);
        assertThat(message.at("/message/data/eventId").asString()).isEqualTo(delivered.eventId());
        assertThat(message.has("id")).isTrue();
        assertThat(message.has("receivedAt")).isTrue();
        assertThat(messages.has("nextCursor")).isTrue();
    }

    @Test
    void anotherTenantSeesNoneOfItAndAppsCannotReadAtAll() throws Exception {
        DeliveryFixtures.registration(configuration, "isolated-device:APA91b-1", "isolated-session", "android", "fcm");
        UUID id = accepted(event("isolated-session"));
        assertThat(awaitFinished(id)).isEqualTo("delivered");
        String stranger = adminToken(UUID.randomUUID());

        assertProblem(get(stranger, "/v1/notifications/" + id, 404), "not-found");
        assertThat(get(stranger, "/v1/notifications", 200).get("items")).isEmpty();
        assertThat(get(stranger, "/v1/sandbox/messages", 200).get("items")).isEmpty();
        assertThat(get(stranger, "/v1/stats", 200).at("/counts/delivered").asLong())
                .isZero();

        String app = PLATFORM.token()
                .audience("pushgate")
                .subject("app-client-1")
                .claim("tenant_id", configuration.tenantId().toString())
                .scope(Scopes.REGISTRATIONS)
                .sign();
        assertProblem(get(app, "/v1/notifications/" + id, 403), "forbidden");
        http.get()
                .uri("/v1/notifications")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*");
    }

    @Test
    void badQueryParametersAre400sNamingTheParameter() throws Exception {
        String admin = adminToken(configuration.tenantId());
        Map<String, String> cases = Map.of(
                "/v1/notifications?status=sent", "status",
                "/v1/notifications?limit=0", "limit",
                "/v1/notifications?limit=many", "limit",
                "/v1/notifications?cursor=not-a-cursor", "cursor",
                "/v1/notifications?from=yesterday", "from",
                "/v1/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from",
                "/v1/stats?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from",
                "/v1/sandbox/messages?limit=201", "limit",
                "/v1/sandbox/messages?cursor=-1", "cursor");
        for (var request : cases.entrySet()) {
            JsonNode problem = get(admin, request.getKey(), 400);
            assertThat(problem.get("type").asString())
                    .as(request.getKey())
                    .isEqualTo("https://pushgate.io/problems/invalid-field");
            assertThat(problem.get("field").asString()).as(request.getKey()).isEqualTo(request.getValue());
        }
        assertProblem(get(admin, "/v1/notifications/not-a-uuid", 404), "not-found");
    }

    private UUID accepted(AxpEvent event) {
        HttpResponse<String> answer = callback(port, configuration, event);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return notificationId(answer);
    }

    /** An admin's platform token as tenant-service mints it: a viewer's scope is enough to read. */
    private static String adminToken(UUID tenantId) {
        return PLATFORM.token()
                .audience("pushgate")
                .subject("member-1")
                .claim("tenant_id", tenantId.toString())
                .claim("member_id", UUID.randomUUID().toString())
                .claim("role", "viewer")
                .scope(Scopes.TENANT_READ)
                .sign();
    }

    private JsonNode get(String token, String uri, int status) {
        return http.get()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    private static void assertProblem(JsonNode problem, String kind) {
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/" + kind);
    }
}
