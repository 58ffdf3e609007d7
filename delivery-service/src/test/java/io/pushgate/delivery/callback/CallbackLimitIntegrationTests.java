package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.Scopes;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestIssuer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The callback limit of a tenant's plan, on a real instance: over it, 429 with an honest {@code
 * Retry-After} and nothing stored; one tenant's flood leaves another's callbacks alone; a plan change
 * reaches the running instance through NOTIFY (the configurations' TTL here is an hour); {@code GET
 * /v1/usage} shows a tenant its bucket and its refusals.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pushgate.configuration.cache-ttl=1h", "pushgate.security.allow-loopback-jwks=true"})
class CallbackLimitIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry properties) {
        properties.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        properties.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @AfterAll
    static void stopIssuer() {
        PLATFORM.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    Callbacks callbacks;

    @BeforeEach
    void client() {
        callbacks = new Callbacks(port);
    }

    @Test
    void overTheLimitIs429WithRetryAfterAndProblemJsonAndNothingIsStored() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 2);
        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);
        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);

        AxpEvent refused = event();
        HttpResponse<String> answer = send(configuration, refused);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").stringValue()).isEqualTo("https://pushgate.io/problems/callback-rate-limited");
        assertThat(problem.get("status").intValue()).isEqualTo(429);
        assertThat(count(refused.eventId())).isZero();
        Counter throttled = meters.find("pushgate.throttled")
                .tags(
                        "tenant",
                        configuration.tenantId().toString(),
                        "configuration",
                        configuration.id().toString())
                .tags("limit", "callbacks", "backend", "local")
                .counter();
        assertThat(throttled).isNotNull();
        assertThat(throttled.count()).isEqualTo(1);
    }

    @Test
    void everyAnswerTheLimitWasTakenForCarriesTheRateLimitHeaders() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 3);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> answer = send(configuration, event());
            seen.add(answer.statusCode() + " " + header(answer, "RateLimit-Limit") + " "
                    + header(answer, "RateLimit-Remaining") + " " + header(answer, "RateLimit-Reset"));
        }
        // the bucket holds 3 and refills one a second: full again after as many seconds as are missing
        assertThat(seen).containsExactly("202 3 2 1", "202 3 1 2", "202 3 0 3", "429 3 0 3");
        HttpResponse<String> unsigned = callbacks.post(configuration.callbackKey(), "0".repeat(64), event().toJson());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("RateLimit-Limit")).isEmpty();
    }

    private static String header(HttpResponse<String> answer, String name) {
        return answer.headers().firstValue(name).orElse("-");
    }

    @Test
    void aRetryAfterRetryAfterSucceeds() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 1);
        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);
        HttpResponse<String> refused = send(configuration, event());
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isPositive();

        Thread.sleep(retryAfter * 1000);

        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);
    }

    /** The limit is taken after the signature: a flood nobody signed spends none of the tenant's budget. */
    @Test
    void callbacksWithAWrongSignatureSpendNothing() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 1);
        for (int i = 0; i < 10; i++) {
            AxpEvent forged = event();
            assertThat(callbacks
                            .post(configuration.callbackKey(), forged.signature("not-the-secret"), forged.toJson())
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);
    }

    @Test
    void oneTenantsFloodLeavesAnotherTenantsCallbacksAlone() throws Exception {
        TestConfigurations.Inserted flooding = tenantWithPlan(1, 1);
        TestConfigurations.Inserted other = tenantWithPlan(1, 20);
        List<Integer> flood = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(send(flooding, event()).statusCode());
            others.add(send(other, event()).statusCode());
        }
        assertThat(flood).contains(429);
        assertThat(others).containsOnly(202);
    }

    @Test
    void aPlanChangeAppliesWithoutARestart() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 1);
        assertThat(send(configuration, event()).statusCode()).isEqualTo(202);
        assertThat(send(configuration, event()).statusCode()).isEqualTo(429);

        try (Connection connection = TestDatabase.get().connect()) {
            TestConfigurations.plan(connection, configuration.tenantId(), 10_000, 10_000);
        }

        // under the old plan (1/s) twenty in a row never pass; under the new one they do once NOTIFY arrived
        boolean allAccepted = false;
        for (int round = 0; round < 50 && !allAccepted; round++) {
            allAccepted = true;
            for (int i = 0; i < 20; i++) {
                allAccepted &= send(configuration, event()).statusCode() == 202;
            }
            if (!allAccepted) {
                Thread.sleep(200);
            }
        }
        assertThat(allAccepted).isTrue();

        // and back down: the bucket keeps at most the new burst
        try (Connection connection = TestDatabase.get().connect()) {
            TestConfigurations.plan(connection, configuration.tenantId(), 1, 1);
        }
        boolean refused = false;
        for (int round = 0; round < 50 && !refused; round++) {
            for (int i = 0; i < 3 && !refused; i++) {
                refused = send(configuration, event()).statusCode() == 429;
            }
            if (!refused) {
                Thread.sleep(200);
            }
        }
        assertThat(refused).isTrue();
    }

    @Test
    void theUsageShowsTheTenantItsCallbackBucketAndItsRefusals() throws Exception {
        TestConfigurations.Inserted busy = tenantWithPlan(1, 50);
        TestConfigurations.Inserted refused = tenantWithPlan(1, 1);
        for (int i = 0; i < 20; i++) {
            assertThat(send(busy, event()).statusCode()).isEqualTo(202);
        }
        assertThat(send(refused, event()).statusCode()).isEqualTo(202);
        assertThat(send(refused, event()).statusCode()).isEqualTo(429);

        HttpResponse<String> answer = callbacks.get("/v1/usage", member(busy.tenantId(), Scopes.TENANT_READ));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode usage = JSON.readTree(answer.body());
        JsonNode bucket = usage.get("callbacks");
        assertThat(bucket.get("backend").stringValue()).isEqualTo("local");
        assertThat(bucket.get("shared").booleanValue()).isFalse();
        assertThat(bucket.get("limit").longValue()).isEqualTo(50);
        // 20 taken, refilled at one a second since: fewer than 50 unless the machine stood still for 20 s
        long remaining = bucket.get("remaining").longValue();
        assertThat(remaining).isBetween(30L, 49L);
        assertThat(bucket.get("resetSeconds").longValue()).isEqualTo(50 - remaining);
        assertThat(bucket.get("refusedByThisInstance").longValue()).isZero();
        assertThat(bucket.get("countedSince").isString()).isTrue();
        JsonNode registrations = usage.get("registrations");
        assertThat(registrations.get("limit").longValue()).isEqualTo(1000);
        assertThat(registrations.get("remaining").longValue()).isEqualTo(1000);
        assertThat(registrations.get("refusedByThisInstance").longValue()).isZero();
        JsonNode deliveries = usage.get("deliveries");
        assertThat(deliveries.get("perCredential").longValue()).isEqualTo(5000);
        assertThat(deliveries.get("shared").booleanValue()).isFalse();
        assertThat(deliveries.get("credentials").isArray()).isTrue();

        // each tenant its own: the refusal is the other tenant's
        JsonNode other = JSON.readTree(callbacks
                        .get("/v1/usage", member(refused.tenantId(), Scopes.TENANT_READ))
                        .body())
                .get("callbacks");
        assertThat(other.get("limit").longValue()).isEqualTo(1);
        assertThat(other.get("refusedByThisInstance").longValue()).isEqualTo(1);
    }

    @Test
    void theUsageWantsAMembersToken() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 3);

        HttpResponse<String> anonymous = callbacks.get("/v1/usage");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).get("type").stringValue())
                .isEqualTo("https://pushgate.io/problems/unauthenticated");
        HttpResponse<String> app = callbacks.get("/v1/usage", member(configuration.tenantId(), Scopes.REGISTRATIONS));
        assertThat(app.statusCode()).isEqualTo(403);
        assertThat(app.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(app.body()).get("type").stringValue())
                .isEqualTo("https://pushgate.io/problems/forbidden");
    }

    private static String member(UUID tenantId, String... scopes) {
        UUID memberId = UUID.randomUUID();
        return PLATFORM.token()
                .audience("pushgate")
                .subject(memberId.toString())
                .claim("tenant_id", tenantId.toString())
                .claim("member_id", memberId.toString())
                .claim("role", "viewer")
                .scope(scopes)
                .sign();
    }

    private HttpResponse<String> send(TestConfigurations.Inserted configuration, AxpEvent event) {
        return callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());
    }

    private static AxpEvent event() {
        return AxpEvent.of(UUID.randomUUID().toString(), "session-" + UUID.randomUUID());
    }

    /** A new tenant with a configuration and the plan of {@code callbacksPerSecond} and {@code callbackBurst}. */
    private static TestConfigurations.Inserted tenantWithPlan(long callbacksPerSecond, long callbackBurst)
            throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            TestConfigurations.Inserted configuration =
                    TestConfigurations.configuration().insert(connection);
            TestConfigurations.plan(connection, configuration.tenantId(), callbacksPerSecond, callbackBurst);
            return configuration;
        }
    }

    private static long count(String eventId) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query =
                        connection.prepareStatement("SELECT count(*) FROM delivery.notification WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
