package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.AvayaAliases;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * The registration API's limit per tenant (its plan's {@code registrationsPerSecond}) and per app
 * client (half of it, {@code pushgate.limits.registration-subject-share}'s default), on the local
 * backend: a refusal is a 429 {@code registration-rate-limited} with an honest {@code Retry-After},
 * {@code RateLimit-*} headers, and nothing stored. Counts allow for the refill during the calls (no
 * wall-clock assertion on speed: the bounds grow with the time the calls took).
 */
class RegistrationLimitIntegrationTests extends RegistrationIntegrationSupport {

    /** The plan's rate: a tenant's burst of 10, an app client's share 5, refilled at 10 and 5 a second. */
    private static final long RATE = 10;

    @Test
    void aClientOverItsShareIsRefusedWithAStableProblemAndNothingIsStored() throws SQLException {
        Tenant tenant = tenantWithRegistrations(RATE);
        String token = clientToken(tenant, "client-a");

        long start = System.nanoTime();
        List<EntityExchangeResult<byte[]>> answers = new ArrayList<>();
        List<String> deviceTokens = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String deviceToken = fcmToken();
            deviceTokens.add(deviceToken);
            answers.add(register(tenant, deviceToken, token));
        }
        double seconds = seconds(start);

        // its burst is half the tenant's, 5: those always pass, and the limit's headers say what is left
        for (int i = 0; i < 5; i++) {
            assertThat(answers.get(i).getStatus().value()).isEqualTo(200);
            assertThat(answers.get(i).getResponseHeaders().getFirst("RateLimit-Limit"))
                    .isEqualTo("5");
            assertThat(Long.parseLong(answers.get(i).getResponseHeaders().getFirst("RateLimit-Remaining")))
                    .isLessThanOrEqualTo(4 - i + (long) Math.ceil(seconds * 5));
        }
        long accepted =
                answers.stream().filter(a -> a.getStatus().value() == 200).count();
        assertThat(accepted).isBetween(5L, 5 + (long) Math.ceil(seconds * 5) + 1);
        for (int i = 0; i < answers.size(); i++) {
            EntityExchangeResult<byte[]> answer = answers.get(i);
            if (answer.getStatus().value() == 200) {
                assertThat(row(tenant.id(), deviceTokens.get(i))).isNotNull();
                continue;
            }
            assertThat(answer.getStatus().value()).isEqualTo(429);
            HttpHeaders headers = answer.getResponseHeaders();
            assertThat(headers.getContentType()).hasToString("application/problem+json");
            assertThat(new String(answer.getResponseBody()))
                    .contains("\"type\":\"" + DeliveryApiProblem.RATE_LIMITED.type() + "\"");
            assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).matches("[1-9][0-9]*");
            assertThat(headers.getFirst("RateLimit-Remaining")).isEqualTo("0");
            assertThat(headers.getFirst("RateLimit-Reset")).matches("[0-9]+");
            assertThat(row(tenant.id(), deviceTokens.get(i)))
                    .as("a refused registration")
                    .isNull();
        }
    }

    @Test
    void anotherClientOfTheTenantKeepsTheRestOfThePlanAndTheTenantsLimitHoldsOverAllClients() throws Exception {
        Tenant tenant = tenantWithRegistrations(RATE);

        long start = System.nanoTime();
        long first = accepted(tenant, clientToken(tenant, "client-a"), 15);
        long second = accepted(tenant, clientToken(tenant, "client-b"), 15);
        double seconds = seconds(start);
        // one client alone never gets the whole burst of 10: the other still gets at least what is left
        assertThat(first).isBetween(5L, 5 + (long) Math.ceil(seconds * 5) + 1);
        assertThat(second).isGreaterThanOrEqualTo(10 - first);

        // the tenant's burst is spent: a fresh client each call gets only what the tenant's refill brings
        long fresh = 0;
        for (int i = 0; i < 20; i++) {
            fresh += accepted(tenant, clientToken(tenant, "client-fresh-" + i), 1);
        }
        double total = seconds(start);
        assertThat(first + second + fresh).isLessThanOrEqualTo(10 + (long) Math.ceil(total * RATE) + 1);
        assertThat(fresh).isLessThan(20);

        // another tenant is not limited by this one
        Tenant other = tenantWithRegistrations(RATE);
        assertThat(register(other, fcmToken(), clientToken(other, "client-a"))
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void aRetryAfterItsRetryAfterSucceeds() throws Exception {
        Tenant tenant = tenantWithRegistrations(2);
        String token = clientToken(tenant, "client-a");
        EntityExchangeResult<byte[]> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            EntityExchangeResult<byte[]> answer = register(tenant, fcmToken(), token);
            if (answer.getStatus().value() == 429) {
                refused = answer;
            }
        }
        assertThat(refused).as("a refusal within 10 calls of a share of 1").isNotNull();
        long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));

        Thread.sleep(retryAfter * 1000);

        assertThat(register(tenant, fcmToken(), token).getStatus().value()).isEqualTo(200);
    }

    @Test
    void readsAndDeletesWithATokenCountToo() throws Exception {
        Tenant tenant = tenantWithRegistrations(2);
        String token = clientToken(tenant, "client-a");
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            int status = http.get()
                    .uri("/v1/device-registrations/{token}", fcmToken())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .exchange()
                    .returnResult(byte[].class)
                    .getStatus()
                    .value();
            assertThat(status).isIn(404, 429);
            refused += status == 429 ? 1 : 0;
        }
        assertThat(refused).isPositive();
    }

    private long accepted(Tenant tenant, String token, int calls) {
        long accepted = 0;
        for (int i = 0; i < calls; i++) {
            int status = register(tenant, fcmToken(), token).getStatus().value();
            assertThat(status).isIn(200, 429);
            accepted += status == 200 ? 1 : 0;
        }
        return accepted;
    }

    private EntityExchangeResult<byte[]> register(Tenant tenant, String deviceToken, String token) {
        return AvayaAliases.register(
                        http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-limit"), token)
                .expectBody()
                .returnResult();
    }

    private static String clientToken(Tenant tenant, String client) {
        return platformToken(tenant.id())
                .subject(client)
                .claim("client_id", client)
                .scope(Scopes.REGISTRATIONS)
                .sign();
    }

    /** A tenant whose plan allows {@code rate} registration calls a second (announced as tenant-service does). */
    static Tenant tenantWithRegistrations(long rate) throws SQLException {
        Tenant tenant = tenant();
        sql(
                "INSERT INTO tenancy.plan (tenant_id, callbacks_per_second, callback_burst, registrations_per_second,"
                        + " api_calls_per_second, deliveries_per_second_per_credential, version)"
                        + " VALUES ('" + tenant.id() + "', 10000, 20000, ?, 100, 5000, 1)",
                rate);
        changed("plan", tenant.id(), tenant.id());
        return tenant;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
