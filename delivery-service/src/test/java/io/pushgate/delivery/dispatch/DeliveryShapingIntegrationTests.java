package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmMessage;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TestIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivery per credential as shaping, end to end (callbacks over HTTP, the real firebase-admin client,
 * the FCM emulator, PostgreSQL): a burst over a credential's {@code deliveriesPerSecondPerCredential}
 * all arrives, once each, no faster than the rate (from the emulator's own arrival times), none
 * failed; another tenant's pushes during the burst do not wait behind it, neither those the inbox hands
 * to dispatch at once nor those only the sweep can take (a backlog larger than a sweep's batch).
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.dispatch.enabled=true",
            "pushgate.security.allow-loopback-jwks=true",
            // the test issuer's keys on a machine busy with other builds
            "pushgate.security.jwks-timeout=20s",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.dispatch.sweep-batch-size=" + DeliveryShapingIntegrationTests.SWEEP_BATCH
        })
@DirtiesContext
class DeliveryShapingIntegrationTests {

    private static final FcmEmulator fcm = FcmEmulator.start();

    /** The shaped credential's rate, and its bucket's burst (a tenth of a second's pushes). */
    private static final int RATE = 20;

    private static final int BURST = RATE / 10;
    private static final int NOTIFICATIONS = 200;

    /** A sweep's batch: the shaped backlog in the lanes outgrows it. */
    static final int SWEEP_BATCH = 50;

    /**
     * The shaped backlog behind which another tenant's swept rows must not wait: 20 s at the rate, of
     * which a sweep that counts it against everyone would hold them for about 15 (claiming it 50 at a
     * time as the lane drains, the oldest rows first).
     */
    private static final int BACKLOG = 400;

    /** The most a push's arrival may lag its release on a busy CI machine, in seconds (5 pushes at the rate). */
    private static final double JITTER = 0.25;

    @LocalServerPort
    int port;

    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry properties) {
        properties.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
        properties.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        properties.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @AfterAll
    static void stopEmulator() {
        fcm.close();
        PLATFORM.close();
    }

    @Test
    void aBurstOverACredentialsRateArrivesOnceEachNoFasterThanTheRateWithoutHoldingAnotherTenant() throws Exception {
        Tenant shaped = tenant(RATE);
        Tenant other = tenant(5_000);
        // the credential's client made and its OAuth token fetched first: the first sends of a cold
        // client would wait for that together and arrive bunched, whatever their release times
        assertThat(DeliveryFixtures.awaitFinished(send(shaped))).isEqualTo("delivered");
        assertThat(DeliveryFixtures.awaitFinished(send(other))).isEqualTo("delivered");
        fcm.clearMessages();
        // the burst: stored at once (a callback flood's rows, left by an instance that stopped), taken by the sweep
        List<UUID> shapedIds = stored(shaped, NOTIFICATIONS);
        DeliveryFixtures.await(
                Duration.ofSeconds(30), () -> fcm.messagesTo(shaped.deviceToken).size() >= 2 * BURST);
        // the burst waits for its credential's turns: now the other tenant's pushes, through its callback URL
        List<UUID> otherIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            otherIds.add(send(other));
        }
        int shapedWhenOtherWasSent = fcm.messagesTo(shaped.deviceToken).size();
        DeliveryFixtures.await(
                Duration.ofSeconds(30), () -> fcm.messagesTo(other.deviceToken).size() >= otherIds.size());
        int shapedWhenOtherArrived = fcm.messagesTo(shaped.deviceToken).size();
        // (read only now, out of the measured spans: the first read fetches the test issuer's keys, slow on a busy
        // machine)
        // the tenant sees its credential's shaping in its usage (the pushes waiting for their turn are
        // not asserted: on a machine whose database is slow the swept rows reach the lane slower than
        // the rate and none waits); the other tenant's credential has none waiting
        JsonNode shapedDeliveries = usage(shaped).get("deliveries");
        assertThat(shapedDeliveries.get("perCredential").longValue()).isEqualTo(RATE);
        assertThat(shapedDeliveries.get("credentials")).hasSize(1);
        JsonNode credential = shapedDeliveries.get("credentials").get(0);
        assertThat(credential.get("credentialId").stringValue()).isEqualTo(shaped.credentialId.toString());
        assertThat(credential.get("limit").longValue()).isEqualTo(BURST);
        JsonNode otherCredential =
                usage(other).get("deliveries").get("credentials").get(0);
        assertThat(otherCredential.get("credentialId").stringValue()).isEqualTo(other.credentialId.toString());
        assertThat(otherCredential.get("waiting").intValue()).isZero();

        for (UUID id : shapedIds) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        for (UUID id : otherIds) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        List<FcmMessage> arrived = fcm.messagesTo(shaped.deviceToken);
        Set<String> events = arrived.stream()
                .map(message -> message.data().path("eventId").asString())
                .collect(Collectors.toSet());
        assertThat(arrived)
                .as(() -> "each push once; the rows and attempts of those pushed more often: "
                        + recordsOfRepeated(arrived))
                .hasSize(NOTIFICATIONS);
        assertThat(events).hasSize(NOTIFICATIONS);

        List<Instant> times = arrived.stream()
                .map(FcmMessage::receivedAt)
                .sorted(Comparator.naturalOrder())
                .toList();
        assertNoFasterThanTheRate(times);

        // the other tenant's pushes arrived while most of the burst was still waiting for its turn
        Instant otherLast = fcm.messagesTo(other.deviceToken).stream()
                .map(FcmMessage::receivedAt)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        assertThat(shapedWhenOtherWasSent)
                .as("most of the burst still waited when the other tenant's pushes were sent")
                .isLessThan(NOTIFICATIONS / 2);
        // not behind the burst: while the other tenant's pushes went through, the shaped credential
        // made at most two seconds' worth of progress (behind it, they would wait for most of its backlog)
        assertThat(shapedWhenOtherArrived - shapedWhenOtherWasSent)
                .as("shaped pushes that arrived while the other tenant's were on their way")
                .isLessThanOrEqualTo(2 * RATE);
        assertThat(otherLast).isBefore(times.get(times.size() - 1));
    }

    /**
     * For a failure's message: each event pushed more than once, with its notification's row (status,
     * attempts, lease) and its recorded attempts — what the platform knew of the second push.
     */
    private static String recordsOfRepeated(List<FcmMessage> arrived) {
        Map<String, Long> counts = arrived.stream()
                .collect(Collectors.groupingBy(
                        message -> message.data().path("eventId").asString(), Collectors.counting()));
        List<String> repeated = counts.entrySet().stream()
                .filter(entry -> entry.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
        StringBuilder found = new StringBuilder();
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT n.event_id, n.status, n.attempts, n.lease_until, n.completed_at,
                               (SELECT string_agg(a.outcome || coalesce('/' || a.error_code, '') || ' at ' || a.at, ', '
                                                  ORDER BY a.id)
                                  FROM delivery.attempt a WHERE a.notification_id = n.id) AS tries
                          FROM delivery.notification n WHERE n.event_id = ANY (?)""")) {
            select.setArray(1, connection.createArrayOf("text", repeated.toArray()));
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    found.append(String.format(
                            "%n  %s ×%d: status %s, attempts %d, lease until %s, completed %s, attempts recorded: %s",
                            rows.getString(1),
                            counts.get(rows.getString(1)),
                            rows.getString(2),
                            rows.getInt(3),
                            rows.getObject(4),
                            rows.getObject(5),
                            rows.getString(6)));
                }
            }
        } catch (java.sql.SQLException e) {
            found.append(" (could not be read: ").append(e).append(')');
        }
        return found.toString();
    }

    /**
     * A shaped backlog larger than a sweep's batch, waiting in its credential's lane, leaves the sweep
     * to everyone else: another tenant's notifications that only the sweep can take (their fast path
     * missed: a stopped instance's rows, retries that are due) are claimed at the next sweep, not after
     * most of the backlog has been claimed. The clock is the shaped credential's own progress: while
     * the other tenant's rows went through, it sent less than half its backlog (behind it, they wait
     * for three quarters; the margin is for a database that a busy machine makes slow, which delays
     * the swept rows' look-ups and outcomes but not the shaped pushes already in their lane).
     */
    @Test
    void aShapedBacklogLargerThanASweepsBatchDoesNotHoldAnotherTenantsSweptNotifications() throws Exception {
        Tenant shaped = tenant(RATE);
        Tenant other = tenant(5_000);
        assertThat(DeliveryFixtures.awaitFinished(send(shaped))).isEqualTo("delivered");
        assertThat(DeliveryFixtures.awaitFinished(send(other))).isEqualTo("delivered");
        List<UUID> shapedIds = stored(shaped, BACKLOG);
        int before = fcm.messagesTo(shaped.deviceToken).size();
        // the sweep has handed the lanes more than a batch of the shaped credential's pushes
        DeliveryFixtures.await(
                Duration.ofSeconds(30), () -> fcm.messagesTo(shaped.deviceToken).size() >= before + 2 * BURST);
        List<UUID> otherIds = stored(other, 10);
        int shapedWhenOtherWasStored = fcm.messagesTo(shaped.deviceToken).size() - before;
        DeliveryFixtures.await(
                Duration.ofSeconds(30), () -> fcm.messagesTo(other.deviceToken).size() >= 1 + otherIds.size());
        int shapedWhenOtherArrived = fcm.messagesTo(shaped.deviceToken).size() - before;

        for (UUID id : otherIds) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        for (UUID id : shapedIds) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        assertThat(fcm.messagesTo(shaped.deviceToken)).as("each push once").hasSize(1 + BACKLOG);
        assertThat(fcm.messagesTo(other.deviceToken)).as("each push once").hasSize(1 + otherIds.size());
        assertThat(shapedWhenOtherWasStored)
                .as("most of the backlog still waited when the other tenant's rows were stored")
                .isLessThan(BACKLOG / 4);
        assertThat(shapedWhenOtherArrived - shapedWhenOtherWasStored)
                .as("shaped pushes that arrived while the other tenant's swept rows were on their way")
                .isLessThan(BACKLOG / 2);
    }

    /**
     * A token bucket's contract, on the emulator's arrival times: between the i-th and the j-th
     * arrival, at most the burst plus what the rate refilled in between, over spans of a second at
     * least (a provider's quota is per second or minute; within less, a busy machine's pauses between
     * a push's release and its arrival bunch a few arrivals), allowing {@link #JITTER} of such pauses;
     * and the whole burst took at least as long as the rate needs for it.
     */
    private static void assertNoFasterThanTheRate(List<Instant> times) {
        int busiestSecond = 0;
        double worst = 0;
        String worstSpan = "";
        for (int i = 0; i < times.size(); i++) {
            for (int j = i + 1; j < times.size(); j++) {
                double seconds = Duration.between(times.get(i), times.get(j)).toNanos() / 1e9;
                long count = j - i + 1;
                double excess = count - (BURST + RATE * (Math.max(1.0, seconds) + JITTER));
                if (excess > worst) {
                    worst = excess;
                    worstSpan = String.format("arrivals %d..%d within %.3f s", i, j, seconds);
                }
                if (seconds <= 1.0) {
                    busiestSecond = Math.max(busiestSecond, (int) count);
                }
            }
        }
        double total =
                Duration.between(times.get(0), times.get(times.size() - 1)).toNanos() / 1e9;
        System.out.printf(
                "Shaping: %d pushes in %.2f s at %d/s; busiest second %d (at most %d by the bucket)%n",
                times.size(), total, RATE, busiestSecond, BURST + RATE);
        assertThat(worst).as("pushes over the rate: " + worstSpan).isZero();
        assertThat(total).isGreaterThanOrEqualTo((double) (NOTIFICATIONS - BURST) / RATE - JITTER);
    }

    private static List<UUID> stored(Tenant tenant, int count) throws Exception {
        return DeliveryFixtures.storedDue(tenant.configuration(), tenant.sessionId(), count);
    }

    /** {@code GET /v1/usage} as a member of {@code tenant}. */
    private JsonNode usage(Tenant tenant) {
        UUID member = UUID.randomUUID();
        String token = PLATFORM.token()
                .audience("pushgate")
                .subject(member.toString())
                .claim("tenant_id", tenant.configuration.tenantId().toString())
                .claim("member_id", member.toString())
                .claim("role", "viewer")
                .scope(Scopes.TENANT_READ)
                .sign();
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/usage"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private UUID send(Tenant tenant) {
        AxpEvent event = DeliveryFixtures.event(tenant.sessionId);
        HttpResponse<String> answer = DeliveryFixtures.callback(port, tenant.configuration, event);
        // a busy CI machine may not commit within the inbox's timeout: the same event again (a 200
        // duplicate if the first did commit) — the ingress's durability is not what this test is about
        for (int retry = 0; retry < 3 && answer.statusCode() == 503; retry++) {
            answer = DeliveryFixtures.callback(port, tenant.configuration, event);
        }
        assertThat(answer.statusCode()).isIn(200, 202);
        return DeliveryFixtures.notificationId(answer);
    }

    private record Tenant(
            TestConfigurations.Inserted configuration, UUID credentialId, String deviceToken, String sessionId) {}

    /** A tenant with an FCM credential, one Android device, and a plan of {@code rate} pushes a second per credential. */
    private static Tenant tenant(long rate) throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), account);
        DeliveryFixtures.deliverySettings(configuration, credential, credential, "Agent replied", "Tap", 600);
        String deviceToken = DeliveryFixtures.fcmToken();
        String sessionId = "session-" + UUID.randomUUID();
        DeliveryFixtures.registration(configuration, deviceToken, sessionId, "android", "fcm");
        try (Connection connection = DeliveryFixtures.connect();
                var plan = connection.prepareStatement("""
                        INSERT INTO tenancy.plan (tenant_id, callbacks_per_second, callback_burst, registrations_per_second,
                            api_calls_per_second, deliveries_per_second_per_credential, version)
                        VALUES (?, 10000, 20000, 1000, 100, ?, 1)""")) {
            plan.setObject(1, configuration.tenantId());
            plan.setLong(2, rate);
            plan.executeUpdate();
            DeliveryFixtures.notifyChange(connection, "plan", configuration.tenantId(), configuration.tenantId());
        }
        return new Tenant(configuration, credential, deviceToken, sessionId);
    }
}
