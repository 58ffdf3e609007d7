package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Plan;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Plans: every member reads its tenant's at {@code GET /v1/plan}; only the platform operator's token
 * reaches {@code PUT /v1/operator/tenants/{tenantId}/plan}, which checks each number, bumps the
 * version, audits the change as {@code operator} and announces it to delivery-service.
 */
@ControlPlaneTest
@TestPropertySource(properties = "pushgate.operator-token=" + PlansIntegrationTests.OPERATOR_TOKEN)
class PlansIntegrationTests {

    static final String OPERATOR_TOKEN = "operator-token-for-the-tests-0123456789abcdef";

    @Autowired
    Api api;

    Api.Tenant tenant;
    Connection listener;

    @BeforeEach
    void listen() throws Exception {
        tenant = api.tenant();
        listener = TestDatabase.get().connect();
        try (var statement = listener.createStatement()) {
            statement.execute("LISTEN pushgate_tenancy_changed");
        }
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    @Test
    void aNewTenantHasTheDefaultPlanAtVersionZero() {
        JsonNode plan = Api.json(api.get(tenant.token(), "/v1/plan"), 200);
        assertThat(plan.get("callbacksPerSecond").asLong()).isEqualTo(Plan.DEFAULT.callbacksPerSecond());
        assertThat(plan.get("callbackBurst").asLong()).isEqualTo(Plan.DEFAULT.callbackBurst());
        assertThat(plan.get("registrationsPerSecond").asLong()).isEqualTo(Plan.DEFAULT.registrationsPerSecond());
        assertThat(plan.get("apiCallsPerSecond").asLong()).isEqualTo(Plan.DEFAULT.apiCallsPerSecond());
        assertThat(plan.get("deliveriesPerSecondPerCredential").asLong())
                .isEqualTo(Plan.DEFAULT.deliveriesPerSecondPerCredential());
        assertThat(plan.get("version").asLong()).isZero();
    }

    @Test
    void theOperatorChangesAPlanWhichBumpsItsVersionIsAuditedAndAnnounced() throws Exception {
        JsonNode first = Api.json(operatorPut(tenant.tenantId(), plan(5, 10, 6, 7, 8)), 200);
        assertThat(first.get("version").asLong()).isEqualTo(1);
        JsonNode second = Api.json(operatorPut(tenant.tenantId(), plan(50, 100, 60, 70, 80)), 200);
        assertThat(second.get("version").asLong()).isEqualTo(2);
        assertThat(second.get("updatedAt").isNull()).isFalse();

        JsonNode seen = Api.json(api.get(tenant.token(), "/v1/plan"), 200);
        assertThat(seen.get("callbacksPerSecond").asLong()).isEqualTo(50);
        assertThat(seen.get("callbackBurst").asLong()).isEqualTo(100);
        assertThat(seen.get("registrationsPerSecond").asLong()).isEqualTo(60);
        assertThat(seen.get("apiCallsPerSecond").asLong()).isEqualTo(70);
        assertThat(seen.get("deliveriesPerSecondPerCredential").asLong()).isEqualTo(80);
        assertThat(seen.get("version").asLong()).isEqualTo(2);

        JsonNode audit =
                Api.json(api.get(tenant.token(), "/v1/audit-events"), 200).get("items");
        assertThat(audit.get(0).get("action").asString()).isEqualTo("plan.update");
        assertThat(audit.get(0).get("actor").asString()).isEqualTo("operator");
        assertThat(audit.get(0).get("target").asString()).isEqualTo("plan:v2");
        assertThat(audit.get(1).get("target").asString()).isEqualTo("plan:v1");

        String payload =
                "{\"kind\":\"plan\",\"id\":\"" + tenant.tenantId() + "\",\"tenantId\":\"" + tenant.tenantId() + "\"}";
        assertThat(notifications(2)).containsExactly(payload, payload);
    }

    @Test
    void anotherTenantsPlanStaysAsItWas() {
        Api.Tenant other = api.tenant();
        Api.json(operatorPut(tenant.tenantId(), plan(5, 10, 6, 7, 8)), 200);
        JsonNode untouched = Api.json(api.get(other.token(), "/v1/plan"), 200);
        assertThat(untouched.get("version").asLong()).isZero();
        assertThat(untouched.get("callbacksPerSecond").asLong()).isEqualTo(Plan.DEFAULT.callbacksPerSecond());
    }

    @Test
    void anUnknownTenantIsNotFound() {
        JsonNode problem = Api.json(operatorPut(UUID.randomUUID(), plan(5, 10, 6, 7, 8)), 404);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/not-found");
        JsonNode malformed = Api.json(
                api.http
                        .put()
                        .uri("/v1/operator/tenants/not-an-id/plan")
                        .headers(headers -> headers.setBearerAuth(OPERATOR_TOKEN))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(plan(5, 10, 6, 7, 8))
                        .exchange(),
                404);
        assertThat(malformed.get("type").asString()).isEqualTo("https://pushgate.io/problems/not-found");
    }

    @Test
    void everyNumberIsCheckedAndNamedWhenWrong() {
        assertInvalid(with("callbacksPerSecond", 0), "callbacksPerSecond");
        assertInvalid(with("callbackBurst", -1), "callbackBurst");
        assertInvalid(with("registrationsPerSecond", 1.5), "registrationsPerSecond");
        assertInvalid(with("apiCallsPerSecond", "10"), "apiCallsPerSecond");
        assertInvalid(with("deliveriesPerSecondPerCredential", Plan.MAX_RATE + 1), "deliveriesPerSecondPerCredential");
        assertInvalid(with("callbacksPerSecond", null), "callbacksPerSecond");
        // the burst is at least the rate
        assertInvalid(plan(100, 99, 1, 1, 1), "callbackBurst");
        assertInvalid(with("callbackBurst", Plan.MAX_BURST + 1), "callbackBurst");
        // nothing was changed by the refused calls
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("version")
                        .asLong())
                .isZero();
    }

    @Test
    void aPlanMayShortenTheRetentionUpToThePlatformsOnly() {
        // the default plan keeps notifications as long as the platform (pushgate.retention.notifications, 30d)
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("retentionDays")
                        .asInt())
                .isEqualTo(30);

        Map<String, Object> shorter = plan(5, 10, 6, 7, 8);
        shorter.put("retentionDays", 7);
        assertThat(Api.json(operatorPut(tenant.tenantId(), shorter), 200)
                        .get("retentionDays")
                        .asInt())
                .isEqualTo(7);
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("retentionDays")
                        .asInt())
                .isEqualTo(7);
        assertThat(retentionDaysStored()).isEqualTo(7);

        // the platform's whole retention is allowed; leaving the field out gives the platform's back
        shorter.put("retentionDays", 30);
        Api.json(operatorPut(tenant.tenantId(), shorter), 200);
        assertThat(retentionDaysStored()).isEqualTo(30);
        JsonNode back = Api.json(operatorPut(tenant.tenantId(), plan(5, 10, 6, 7, 8)), 200);
        assertThat(back.get("retentionDays").asInt()).isEqualTo(30);
        assertThat(retentionDaysStored()).isNull();
    }

    @Test
    void aRetentionLongerThanThePlatformsOrNotAWholeNumberOfDaysIsRefused() {
        assertInvalid(with("retentionDays", 31), "retentionDays");
        assertInvalid(with("retentionDays", 0), "retentionDays");
        assertInvalid(with("retentionDays", -3), "retentionDays");
        assertInvalid(with("retentionDays", 1.5), "retentionDays");
        assertInvalid(with("retentionDays", "7"), "retentionDays");
        assertInvalid(with("retentionDays", 1L + Integer.MAX_VALUE), "retentionDays");
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("version")
                        .asLong())
                .isZero();
    }

    private Integer retentionDaysStored() {
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT retention_days FROM tenancy.plan WHERE tenant_id = '" + tenant.tenantId()
                                + "'")) {
            rows.next();
            int days = rows.getInt(1);
            return rows.wasNull() ? null : days;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void noTenantCredentialReachesTheOperatorApi() {
        String viewerEmail = Api.uniqueEmail();
        api.member(tenant.token(), viewerEmail, "correct horse battery staple", "viewer");
        String viewer = api.login(viewerEmail, "correct horse battery staple");
        String client = Api.json(api.clientCredentials(api.appClient(tenant.token(), "App")), 200)
                .get("access_token")
                .asString();
        for (String token : new String[] {tenant.token(), viewer, client, null, OPERATOR_TOKEN + "x"}) {
            WebTestClient.ResponseSpec answer =
                    api.put(token, "/v1/operator/tenants/" + tenant.tenantId() + "/plan", plan(5, 10, 6, 7, 8));
            answer.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
            answer.expectHeader().valueEquals("WWW-Authenticate", "Bearer");
            assertThat(Api.json(answer, 401).get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/unauthenticated");
        }
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("version")
                        .asLong())
                .isZero();
        // nor is the operator token a tenant credential
        api.get(OPERATOR_TOKEN, "/v1/plan").expectStatus().isUnauthorized();
    }

    private void assertInvalid(Map<String, Object> body, String field) {
        WebTestClient.ResponseSpec answer = operatorPut(tenant.tenantId(), body);
        answer.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = Api.json(answer, 400);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
        assertThat(problem.get("field").asString()).as(body.toString()).isEqualTo(field);
    }

    private WebTestClient.ResponseSpec operatorPut(UUID tenantId, Map<String, Object> body) {
        return api.put(OPERATOR_TOKEN, "/v1/operator/tenants/" + tenantId + "/plan", body);
    }

    static Map<String, Object> plan(long callbacks, long burst, long registrations, long apiCalls, long deliveries) {
        Map<String, Object> plan = new HashMap<>();
        plan.put("callbacksPerSecond", callbacks);
        plan.put("callbackBurst", burst);
        plan.put("registrationsPerSecond", registrations);
        plan.put("apiCallsPerSecond", apiCalls);
        plan.put("deliveriesPerSecondPerCredential", deliveries);
        return plan;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> plan = plan(5, 10, 6, 7, 8);
        plan.put(field, value);
        return plan;
    }

    /** The next {@code count} notifications for this test's tenant (other tests' tenants share the channel). */
    private List<String> notifications(int count) throws Exception {
        List<String> payloads = new ArrayList<>();
        PGConnection connection = listener.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (payloads.size() < count && System.nanoTime() < deadline) {
            PGNotification[] received = connection.getNotifications(500);
            for (PGNotification notification : received == null ? new PGNotification[0] : received) {
                if (notification.getParameter().contains(tenant.tenantId().toString())) {
                    payloads.add(notification.getParameter());
                }
            }
        }
        return payloads;
    }
}
