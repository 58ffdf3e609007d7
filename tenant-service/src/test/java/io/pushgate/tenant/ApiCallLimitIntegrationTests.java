package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/**
 * The control-plane limit per tenant ({@code local} backend): a tenant's calls over its plan's
 * {@code apiCallsPerSecond} answer 429 {@code api-rate-limited} with an honest {@code Retry-After};
 * every call it applies to carries {@code RateLimit-*}; other tenants, the operator's API, sign-in
 * and health are not limited by it; a plan change applies without restart; {@code GET /v1/plan}
 * shows the bucket as it stands.
 */
@ControlPlaneTest
@TestPropertySource(properties = "pushgate.operator-token=" + PlansIntegrationTests.OPERATOR_TOKEN)
class ApiCallLimitIntegrationTests {

    private static final String TYPE = "https://pushgate.io/problems/api-rate-limited";

    @Autowired
    Api api;

    Api.Tenant tenant;

    @BeforeEach
    void tenant() {
        tenant = api.tenant();
    }

    @Test
    void callsOverThePlanAnswer429WithRetryAfterAndRateLimitHeaders() {
        givePlan(tenant.tenantId(), 3);
        EntityExchangeResult<byte[]> first = call(tenant.token(), "/v1/configurations");
        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(first.getResponseHeaders().getFirst("RateLimit-Limit")).isEqualTo("3");
        assertThat(first.getResponseHeaders().getFirst("RateLimit-Remaining")).isEqualTo("2");
        assertThat(Long.parseLong(first.getResponseHeaders().getFirst("RateLimit-Reset")))
                .isBetween(1L, 1L);

        EntityExchangeResult<byte[]> refused = firstRefusal(tenant.token(), 50);
        HttpHeaders headers = refused.getResponseHeaders();
        assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Api.parse(new String(refused.getResponseBody())).get("type").asString())
                .isEqualTo(TYPE);
        assertThat(Long.parseLong(headers.getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 1L);
        assertThat(headers.getFirst("RateLimit-Limit")).isEqualTo("3");
        assertThat(headers.getFirst("RateLimit-Remaining")).isEqualTo("0");
    }

    @Test
    void aRetryAfterItsRetryAfterSucceeds() throws InterruptedException {
        givePlan(tenant.tenantId(), 1);
        EntityExchangeResult<byte[]> refused = firstRefusal(tenant.token(), 50);
        long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
        Thread.sleep(retryAfter * 1000);
        assertThat(call(tenant.token(), "/v1/configurations").getStatus().value())
                .isEqualTo(200);
    }

    @Test
    void oneTenantOverItsLimitLeavesAnotherAlone() {
        Api.Tenant other = api.tenant();
        givePlan(tenant.tenantId(), 1);
        givePlan(other.tenantId(), 5);
        firstRefusal(tenant.token(), 50);
        EntityExchangeResult<byte[]> others = call(other.token(), "/v1/configurations");
        assertThat(others.getStatus().value()).isEqualTo(200);
        assertThat(others.getResponseHeaders().getFirst("RateLimit-Limit")).isEqualTo("5");
        assertThat(others.getResponseHeaders().getFirst("RateLimit-Remaining")).isEqualTo("4");
    }

    @Test
    void theOperatorApiSignInAndHealthAreNotLimitedByIt() {
        givePlan(tenant.tenantId(), 1);
        firstRefusal(tenant.token(), 50);
        // the operator's API for the same tenant, sign-in of its owner, health: none is the tenant's control-plane call
        var operator = api.http
                .put()
                .uri("/v1/operator/tenants/" + tenant.tenantId() + "/plan")
                .headers(h -> h.setBearerAuth(PlansIntegrationTests.OPERATOR_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(plan(1, 200))
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
        assertThat(operator.getStatus().value()).isEqualTo(200);
        assertThat(operator.getResponseHeaders().containsHeader("RateLimit-Limit"))
                .isFalse();
        var login = api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", tenant.password()))
                .expectBody(byte[].class)
                .returnResult();
        assertThat(login.getStatus().value()).isEqualTo(200);
        assertThat(login.getResponseHeaders().containsHeader("RateLimit-Limit")).isFalse();
        var health = call(null, "/actuator/health");
        assertThat(health.getStatus().value()).isEqualTo(200);
        assertThat(health.getResponseHeaders().containsHeader("RateLimit-Limit"))
                .isFalse();
    }

    @Test
    void aPlanChangeByTheOperatorAppliesAtOnce() {
        givePlan(tenant.tenantId(), 1);
        firstRefusal(tenant.token(), 50);
        givePlan(tenant.tenantId(), 500);
        EntityExchangeResult<byte[]> after = call(tenant.token(), "/v1/configurations");
        assertThat(after.getResponseHeaders().getFirst("RateLimit-Limit")).isEqualTo("500");
    }

    @Test
    void aPlanChangedElsewhereAppliesWithoutRestart() throws Exception {
        givePlan(tenant.tenantId(), 7);
        assertThat(call(tenant.token(), "/v1/configurations")
                        .getResponseHeaders()
                        .getFirst("RateLimit-Limit"))
                .isEqualTo("7");
        // another instance's change: the row and its version, without this instance hearing of it
        try (Connection db = TestDatabase.get().connect();
                var update = db.prepareStatement(
                        "UPDATE tenancy.plan SET api_calls_per_second = 9, version = version + 1 WHERE tenant_id = ?")) {
            update.setObject(1, tenant.tenantId());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        String limit = null;
        for (int i = 0; i < 50 && !"9".equals(limit); i++) {
            Thread.sleep(100);
            limit = call(tenant.token(), "/v1/configurations")
                    .getResponseHeaders()
                    .getFirst("RateLimit-Limit");
        }
        assertThat(limit).isEqualTo("9");
    }

    @Test
    void thePlanShowsTheLimitAsThisInstanceSeesIt() {
        givePlan(tenant.tenantId(), 4);
        EntityExchangeResult<byte[]> refused = firstRefusal(tenant.token(), 50);
        assertThat(refused.getStatus().value()).isEqualTo(429);
        int refusedCalls = 1;
        for (int i = 0; i < 3; i++) {
            if (call(tenant.token(), "/v1/configurations").getStatus().value() == 429) {
                refusedCalls++;
            }
        }
        // the bucket refills at 4/s: wait until a call passes, and read the plan with it
        EntityExchangeResult<byte[]> answer;
        int more = 0;
        do {
            answer = call(tenant.token(), "/v1/plan");
            if (answer.getStatus().value() == 429) {
                more++;
            }
        } while (answer.getStatus().value() == 429);
        JsonNode all = Api.parse(new String(answer.getResponseBody())).get("usage");
        // delivery-service does not answer here: the plan comes without the data plane's usage
        assertThat(all.get("callbacks").isNull()).isTrue();
        assertThat(all.get("registrations").isNull()).isTrue();
        assertThat(all.get("deliveries").isNull()).isTrue();
        JsonNode usage = all.get("apiCalls");
        assertThat(usage.get("backend").asString()).isEqualTo("local");
        assertThat(usage.get("shared").asBoolean()).isFalse();
        assertThat(usage.get("limit").asLong()).isEqualTo(4);
        assertThat(usage.get("remaining").asString())
                .isEqualTo(answer.getResponseHeaders().getFirst("RateLimit-Remaining"));
        assertThat(usage.get("resetSeconds").asString())
                .isEqualTo(answer.getResponseHeaders().getFirst("RateLimit-Reset"));
        assertThat(usage.get("refusedByThisInstance").asLong()).isEqualTo(refusedCalls + more);
        assertThat(usage.get("countedSince").isNull()).isFalse();
    }

    @Test
    void refusalsAreCountedInPrometheusByTenantLimitAndBackend() {
        givePlan(tenant.tenantId(), 1);
        firstRefusal(tenant.token(), 50);
        String metrics = Api.text(api.get(null, "/actuator/prometheus"), 200);
        assertThat(metrics)
                .containsPattern(
                        "pushgate_throttled_total\\{backend=\"local\",configuration=\"\",limit=\"api-calls\",tenant=\""
                                + tenant.tenantId() + "\"[^}]*} [1-9]");
    }

    private EntityExchangeResult<byte[]> firstRefusal(String token, int atMost) {
        for (int i = 0; i < atMost; i++) {
            EntityExchangeResult<byte[]> answer = call(token, "/v1/configurations");
            if (answer.getStatus().value() == 429) {
                return answer;
            }
            assertThat(answer.getStatus().value()).isEqualTo(200);
        }
        throw new AssertionError("no call of " + atMost + " was refused");
    }

    private EntityExchangeResult<byte[]> call(String token, String path) {
        return api.get(token, path).expectBody(byte[].class).returnResult();
    }

    private void givePlan(UUID tenantId, long apiCallsPerSecond) {
        api.http
                .put()
                .uri("/v1/operator/tenants/" + tenantId + "/plan")
                .headers(h -> h.setBearerAuth(PlansIntegrationTests.OPERATOR_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(plan(apiCallsPerSecond, 200))
                .exchange()
                .expectStatus()
                .isOk();
    }

    private static Map<String, Object> plan(long apiCallsPerSecond, long other) {
        return Map.of(
                "callbacksPerSecond", other,
                "callbackBurst", other,
                "registrationsPerSecond", other,
                "apiCallsPerSecond", apiCallsPerSecond,
                "deliveriesPerSecondPerCredential", other);
    }
}
