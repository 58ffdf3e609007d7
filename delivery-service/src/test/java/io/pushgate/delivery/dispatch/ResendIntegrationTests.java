package io.pushgate.delivery.dispatch;

import static io.pushgate.delivery.dispatch.DeliveryFixtures.awaitFinished;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.callback;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.event;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.notificationId;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmErrorCode;
import io.pushgate.emulator.FcmFailure;
import io.pushgate.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/notifications/{id}:resend} over HTTP with the sandbox (the FCM emulator) as the
 * provider: a notification that ended without reaching a device goes to the session's current
 * registration, once, however many re-sends race for it.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pushgate.dispatch.enabled=true", "pushgate.dispatch.sweep-interval=200ms"})
// its emulator stops with the class: so must its dispatcher, or it would take other tests' notifications
@DirtiesContext
class ResendIntegrationTests {

    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static final FcmEmulator sandbox = FcmEmulator.start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    TestConfigurations.Inserted configuration;

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

    @BeforeEach
    void sandboxConfiguration() throws Exception {
        configuration = DeliveryFixtures.configuration();
        UUID credential = DeliveryFixtures.sandboxCredential(configuration.tenantId());
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 600);
    }

    @Test
    void aNotificationWithoutDeviceIsResentToTheDeviceRegisteredSinceAndArrivesOnce() throws Exception {
        String session = "resend-session-" + UUID.randomUUID();
        UUID id = accepted(session);
        assertThat(awaitFinished(id)).isEqualTo("no_device");
        String device = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, device, session, "android", "fcm");

        HttpResponse<String> answer = resend(id, member("admin"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("notificationId").asString()).isEqualTo(id.toString());
        assertThat(body.get("status").asString()).isEqualTo("accepted");
        assertThat(awaitFinished(id)).isEqualTo("delivered");
        Thread.sleep(500); // a second send, were there one, would come within the sweep interval
        assertThat(sandbox.messagesTo(device)).hasSize(1);
        JsonNode details = read(id);
        assertThat(details.get("attempts")).hasSize(1);
        assertThat(details.at("/attempts/0/outcome").asString()).isEqualTo("delivered");
        assertThat(details.at("/attempts/0/provider").asString()).isEqualTo("sandbox");
        assertThat(audit(id)).containsExactly("admin-member:no_device");
        assertThat(details.at("/resends/0/requestedBy").asString()).isEqualTo("admin-member");
        assertThat(details.at("/resends/0/previousStatus").asString()).isEqualTo("no_device");
        assertThat(details.get("resends")).hasSize(1);
    }

    /** Its retry too: the sweeper's claim counts the window from the re-send, not from the day-old receipt. */
    @Test
    void anExpiredNotificationIsResentAndRetriedWithAFreshDeliveryWindow() throws Exception {
        String session = "expired-session-" + UUID.randomUUID();
        UUID id = accepted(session);
        assertThat(awaitFinished(id)).isEqualTo("no_device");
        receivedAgo(id, "1 day");
        String device = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, device, session, "android", "fcm");

        sandbox.injectFailure(
                device, FcmFailure.times(FcmErrorCode.UNAVAILABLE, 1).withRetryAfter(Duration.ZERO));

        assertThat(resend(id, member("owner")).statusCode()).isEqualTo(202);

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        assertThat(sandbox.messagesTo(device)).hasSize(1);
        JsonNode attempts = read(id).get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("outcome").asString()).isEqualTo("retry");
        assertThat(attempts.get(1).get("outcome").asString()).isEqualTo("delivered");
    }

    /**
     * Delivery reads only the partitions of the last 25 hours: a re-send whose fresh window (this
     * configuration's 600 s) would end past them is refused, and the notification is left as it was.
     */
    @Test
    void aNotificationWhoseFreshWindowWouldOutlastTheHotPartitionsIsNotResent() throws Exception {
        String session = "old-session-" + UUID.randomUUID();
        UUID id = accepted(session);
        assertThat(awaitFinished(id)).isEqualTo("no_device");
        receivedAgo(id, "24 hours 55 minutes");
        String device = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, device, session, "android", "fcm");

        HttpResponse<String> answer = resend(id, member("owner"));

        assertThat(answer.statusCode()).isEqualTo(409);
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").asString())
                .isEqualTo("https://pushgate.io/problems/notification-not-resendable");
        assertThat(problem.get("detail").asString()).contains("received too long ago");
        assertThat(read(id).get("status").asString()).isEqualTo("expired");
        assertThat(audit(id)).isEmpty();
        assertThat(sandbox.messagesTo(device)).isEmpty();
    }

    /** Marks {@code id} expired and received {@code ago} (a PostgreSQL interval), its day's partition made first. */
    private static void receivedAgo(UUID id, String ago) throws Exception {
        try (Connection connection = DeliveryFixtures.connect()) {
            try (var partition = connection.prepareStatement(
                    "SELECT delivery.create_day_partitions(((now() - ?::interval) AT TIME ZONE 'UTC')::date)")) {
                partition.setString(1, ago);
                partition.execute();
            }
            try (var update = connection.prepareStatement("""
                    UPDATE delivery.notification SET status = 'expired', received_at = now() - ?::interval
                     WHERE id = ?""")) {
                update.setString(1, ago);
                update.setObject(2, id);
                update.executeUpdate();
            }
        }
    }

    @Test
    void twoConcurrentResendsOfOneNotificationAreOne202AndOne409AndOnePush() throws Exception {
        String admin = member("admin");
        for (int round = 0; round < 5; round++) {
            String session = "raced-session-" + UUID.randomUUID();
            UUID id = accepted(session);
            assertThat(awaitFinished(id)).isEqualTo("no_device");
            String device = DeliveryFixtures.fcmToken();
            DeliveryFixtures.registration(configuration, device, session, "android", "fcm");

            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                racing.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        return resend(id, admin);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            start.countDown();
            List<Integer> statuses = racing.stream()
                    .map(CompletableFuture::join)
                    .map(HttpResponse::statusCode)
                    .toList();

            assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(202, 409);
            HttpResponse<String> refused = racing.stream()
                    .map(CompletableFuture::join)
                    .filter(answer -> answer.statusCode() == 409)
                    .findFirst()
                    .orElseThrow();
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(refused.body()).get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/notification-not-resendable");
            assertThat(awaitFinished(id)).isEqualTo("delivered");
            Thread.sleep(300);
            assertThat(sandbox.messagesTo(device)).as("round %d", round).hasSize(1);
            assertThat(audit(id)).hasSize(1);
        }
    }

    @Test
    void aDeliveredNotificationIsNotResendable() throws Exception {
        String session = "delivered-session-" + UUID.randomUUID();
        String device = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, device, session, "android", "fcm");
        UUID id = accepted(session);
        assertThat(awaitFinished(id)).isEqualTo("delivered");

        HttpResponse<String> answer = resend(id, member("owner"));

        assertThat(answer.statusCode()).isEqualTo(409);
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").asString())
                .isEqualTo("https://pushgate.io/problems/notification-not-resendable");
        assertThat(problem.get("detail").asString()).contains("delivered");
        assertThat(sandbox.messagesTo(device)).hasSize(1);
        assertThat(audit(id)).isEmpty();
    }

    @Test
    void aViewerIs403AndAnotherTenantsAnUnknownAndANonUuidIdAreTheSame404() throws Exception {
        UUID id = accepted("viewer-session-" + UUID.randomUUID());
        assertThat(awaitFinished(id)).isEqualTo("no_device");

        HttpResponse<String> viewer = resend(id, token(configuration.tenantId(), "viewer", Scopes.TENANT_READ));
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(viewer.body()).get("type").asString())
                .isEqualTo("https://pushgate.io/problems/forbidden");

        String stranger = token(UUID.randomUUID(), "owner", Scopes.TENANT_READ, Scopes.TENANT_WRITE);
        List<HttpResponse<String>> missing = List.of(
                resend(id, stranger),
                resendPath("/v1/notifications/" + UUID.randomUUID() + ":resend", member("owner")),
                resendPath("/v1/notifications/not-a-uuid:resend", member("owner")));
        HttpResponse<String> readApis = get("/v1/notifications/" + UUID.randomUUID(), member("owner"));
        assertThat(readApis.statusCode()).isEqualTo(404);
        for (HttpResponse<String> answer : missing) {
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree(readApis.body()));
        }
        assertThat(DeliveryFixtures.status(id)).isEqualTo("no_device");
        assertThat(audit(id)).isEmpty();
    }

    private UUID accepted(String session) {
        HttpResponse<String> answer = callback(port, configuration, event(session));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return notificationId(answer);
    }

    private HttpResponse<String> resend(UUID id, String token) throws Exception {
        return resendPath("/v1/notifications/" + id + ":resend", token);
    }

    private HttpResponse<String> resendPath(String path, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode read(UUID id) throws Exception {
        HttpResponse<String> answer = get("/v1/notifications/" + id, member("viewer"));
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The audited re-sends of the notification, oldest first: {@code requested_by:previous_status}. */
    private static List<String> audit(UUID id) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement(
                        "SELECT requested_by, previous_status FROM delivery.resend WHERE notification_id = ? ORDER BY id")) {
            select.setObject(1, id);
            try (var result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + ":" + result.getString(2));
                }
            }
        }
        return rows;
    }

    /** A member's platform token of this test's tenant as tenant-service mints it for {@code role}. */
    private String member(String role) {
        return role.equals("viewer")
                ? token(configuration.tenantId(), role, Scopes.TENANT_READ)
                : token(configuration.tenantId(), role, Scopes.TENANT_READ, Scopes.TENANT_WRITE);
    }

    private static String token(UUID tenantId, String role, String... scopes) {
        return PLATFORM.token()
                .audience("pushgate")
                .subject(role + "-member")
                .claim("tenant_id", tenantId.toString())
                .claim("member_id", UUID.randomUUID().toString())
                .claim("role", role)
                .scope(scopes)
                .sign();
    }
}
