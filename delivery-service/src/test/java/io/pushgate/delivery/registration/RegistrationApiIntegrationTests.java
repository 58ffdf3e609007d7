package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.RawHttp;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** The native API, {@code /v1/device-registrations}, with real platform tokens. */
class RegistrationApiIntegrationTests extends RegistrationIntegrationSupport {

    @Autowired
    Registrations registrations;

    @Test
    void registersADeviceTokenForTheTokensTenantAndAnswersTheRegistration() throws SQLException {
        Tenant tenant = tenant();
        String deviceToken = fcmToken();

        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "configId", tenant.configId(),
                        "sessionId", "session-1",
                        "customerId", "customer-1",
                        "platform", "android"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deviceToken")
                .isEqualTo(deviceToken)
                .jsonPath("$.configId")
                .isEqualTo(tenant.configId())
                .jsonPath("$.sessionId")
                .isEqualTo("session-1")
                .jsonPath("$.customerId")
                .isEqualTo("customer-1")
                .jsonPath("$.platform")
                .isEqualTo("android")
                .jsonPath("$.provider")
                .isEqualTo("fcm")
                .jsonPath("$.openRegistration")
                .isEqualTo(false)
                .jsonPath("$.expiresAt")
                .exists();

        Map<String, Object> row = row(tenant.id(), deviceToken);
        assertThat(row).isNotNull();
        assertThat(row.get("configuration_id")).isEqualTo(tenant.configurationId());
        assertThat(row.get("session_id")).isEqualTo("session-1");
        assertThat(row.get("platform")).isEqualTo("android");
        assertThat(row.get("provider")).isEqualTo("fcm");
        assertThat(row.get("open_registration")).isEqualTo(false);
        // idle expiry: 30 days by default
        Instant expires = ((Timestamp) row.get("expires_at")).toInstant();
        assertThat(expires)
                .isBetween(Instant.now().plusSeconds(29 * 86400), Instant.now().plusSeconds(31 * 86400));
    }

    @Test
    void registeringTheSameTokenAgainUpdatesIt() throws SQLException {
        Tenant tenant = tenant();
        String deviceToken = apnsToken();
        put(
                tenant,
                deviceToken,
                Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        "s-1",
                        "platform",
                        "ios",
                        "provider",
                        "apns",
                        "appId",
                        "com.example.app"));

        put(
                tenant,
                deviceToken,
                Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        "s-2",
                        "platform",
                        "ios",
                        "provider",
                        "apns",
                        "apnsEnvironment",
                        "sandbox"));

        Map<String, Object> row = row(tenant.id(), deviceToken);
        assertThat(row.get("session_id")).isEqualTo("s-2");
        assertThat(row.get("provider")).isEqualTo("apns");
        assertThat(row.get("apns_environment")).isEqualTo("sandbox");
        assertThat(row.get("app_id")).isNull();
        http.get()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.sessionId")
                .isEqualTo("s-2")
                .jsonPath("$.apnsEnvironment")
                .isEqualTo("sandbox");
    }

    @Test
    void theNewestRegistrationOfASessionWins() throws SQLException {
        Tenant tenant = tenant();
        String older = fcmToken();
        String newer = fcmToken();
        put(tenant, older, Map.of("configId", tenant.configId(), "sessionId", "s-newest", "platform", "android"));
        put(tenant, newer, Map.of("configId", tenant.configId(), "sessionId", "s-newest", "platform", "android"));

        assertThat(row(tenant.id(), older).get("invalidated_reason")).isEqualTo("superseded");
        assertThat(row(tenant.id(), newer).get("invalidated_at")).isNull();
        http.post()
                .uri("/v1/device-registrations:search")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", "s-newest"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.registrations.length()")
                .isEqualTo(1)
                .jsonPath("$.registrations[0].deviceToken")
                .isEqualTo(newer);
    }

    @Test
    void searchesByCustomerAndDeletes() throws SQLException {
        Tenant tenant = tenant();
        String deviceToken = fcmToken();
        put(
                tenant,
                deviceToken,
                Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        "s-c",
                        "customerId",
                        "customer-42",
                        "platform",
                        "ios"));

        http.post()
                .uri("/v1/device-registrations:search")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("customerId", "customer-42"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.registrations[0].deviceToken")
                .isEqualTo(deviceToken)
                .jsonPath("$.registrations[0].platform")
                .isEqualTo("ios");

        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat(row(tenant.id(), deviceToken)).isNull();
        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.NOT_FOUND.type().toString());
    }

    @Test
    void anotherTenantsConfigIdIsAnsweredLikeAnUnknownOne() throws SQLException {
        Tenant mine = tenant();
        Tenant theirs = tenant();
        String deviceToken = fcmToken();

        String unknown = http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(mine))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", "no-such-config", "sessionId", "s", "platform", "android"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        String foreign = http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(mine))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", theirs.configId(), "sessionId", "s", "platform", "android"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(foreign).isEqualTo(unknown);
        assertThat(row(theirs.id(), deviceToken)).isNull();
        assertThat(row(mine.id(), deviceToken)).isNull();
    }

    @Test
    void aTenantSeesOnlyItsOwnRegistrations() throws SQLException {
        Tenant mine = tenant();
        Tenant theirs = tenant();
        String deviceToken = fcmToken();
        put(theirs, deviceToken, Map.of("configId", theirs.configId(), "sessionId", "s-theirs", "platform", "android"));

        http.get()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(mine))
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(mine))
                .exchange()
                .expectStatus()
                .isNotFound();
        http.post()
                .uri("/v1/device-registrations:search")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(mine))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", "s-theirs"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.registrations.length()")
                .isEqualTo(0);
        assertThat(row(theirs.id(), deviceToken)).isNotNull();
    }

    @Test
    void refusesImplausibleInputWithAProblemNamingTheField() throws SQLException {
        Tenant tenant = tenant();
        String token = appToken(tenant);
        invalid(
                token,
                apnsToken().substring(2),
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "ios", "provider", "apns"),
                "deviceToken");
        invalid(
                token,
                "zz" + apnsToken().substring(2),
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "ios", "provider", "apns"),
                "deviceToken");
        invalid(
                token,
                "short",
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "android"),
                "deviceToken");
        invalid(
                token,
                fcmToken(),
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "windows"),
                "platform");
        invalid(
                token,
                fcmToken(),
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "android", "provider", "hms"),
                "provider");
        invalid(
                token,
                apnsToken(),
                Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "android", "provider", "apns"),
                "provider");
        invalid(
                token,
                fcmToken(),
                Map.of("configId", tenant.configId(), "sessionId", "s".repeat(129), "platform", "android"),
                "sessionId");
        invalid(token, fcmToken(), Map.of("configId", tenant.configId(), "platform", "android"), "sessionId");
        invalid(
                token,
                apnsToken(),
                Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        "s",
                        "platform",
                        "ios",
                        "provider",
                        "apns",
                        "apnsEnvironment",
                        "staging"),
                "apnsEnvironment");

        http.put()
                .uri("/v1/device-registrations/{token}", fcmToken())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"configId\": ")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.MALFORMED_JSON.type().toString());
        http.put()
                .uri("/v1/device-registrations/{token}", fcmToken())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("configId=x")
                .exchange()
                .expectStatus()
                .isEqualTo(415);
    }

    /**
     * A chunked registration body past {@code max-body-size}: 413 problem+json, and the connection is
     * closed (over a raw socket to loopback that never ends the body).
     */
    @Test
    void aChunkedBodyPastTheCapIs413AndTheConnectionIsClosed() throws Exception {
        Tenant tenant = tenant();
        String deviceToken = fcmToken();
        RawHttp.Answer answer = RawHttp.chunkedNeverEnded(
                port,
                "PUT",
                "/v1/device-registrations/" + deviceToken,
                Map.of(
                        HttpHeaders.AUTHORIZATION,
                        "Bearer "
                                + platformToken(tenant.id())
                                        .scope(Scopes.REGISTRATIONS)
                                        .sign(),
                        HttpHeaders.CONTENT_TYPE,
                        "application/json"),
                "{\"configId\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                64 * 1024);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains(DeliveryApiProblem.PAYLOAD_TOO_LARGE.type().toString());
        assertThat(answer.headers().get("connection")).isEqualToIgnoringCase("close");
        assertThat(answer.closed()).as("the server closed the connection").isTrue();
        assertThat(registrationCount(tenant)).isZero();
    }

    @Test
    void anAdminTokenMayReadButNotRegister() throws SQLException {
        Tenant tenant = tenant();
        String deviceToken = fcmToken();
        put(tenant, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-admin", "platform", "android"));
        String admin = platformToken(tenant.id())
                .claim("member_id", tenant.id().toString())
                .claim("role", "viewer")
                .scope(Scopes.TENANT_READ)
                .sign();

        http.get()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .exchange()
                .expectStatus()
                .isOk();
        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s", "platform", "android"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .value(
                        HttpHeaders.WWW_AUTHENTICATE,
                        value -> assertThat(value)
                                .startsWith("Bearer")
                                .contains("error=\"insufficient_scope\"")
                                .contains("scope=\"registrations\""))
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.FORBIDDEN.type().toString());
    }

    @Test
    void theCleanUpDeletesExpiredAndInvalidatedRegistrationsAfterTheRetention() throws SQLException {
        Tenant tenant = tenant();
        String fresh = fcmToken();
        String expiredLongAgo = fcmToken();
        String expiredRecently = fcmToken();
        String invalidatedLongAgo = fcmToken();
        for (String deviceToken : new String[] {fresh, expiredLongAgo, expiredRecently, invalidatedLongAgo}) {
            put(
                    tenant,
                    deviceToken,
                    Map.of(
                            "configId",
                            tenant.configId(),
                            "sessionId",
                            "s-" + deviceToken.substring(4, 40),
                            "platform",
                            "android"));
        }
        OffsetDateTime now = OffsetDateTime.now();
        sql("UPDATE delivery.registration SET expires_at = ? WHERE device_token = ?", now.minusDays(8), expiredLongAgo);
        sql(
                "UPDATE delivery.registration SET expires_at = ? WHERE device_token = ?",
                now.minusDays(1),
                expiredRecently);
        sql(
                "UPDATE delivery.registration SET invalidated_at = ?, invalidated_reason = 'unregistered' "
                        + "WHERE device_token = ?",
                now.minusDays(8),
                invalidatedLongAgo);

        assertThat(registrations.deleteStale(Instant.now()).block()).isGreaterThanOrEqualTo(2L);

        assertThat(row(tenant.id(), fresh)).isNotNull();
        assertThat(row(tenant.id(), expiredRecently)).isNotNull();
        assertThat(row(tenant.id(), expiredLongAgo)).isNull();
        assertThat(row(tenant.id(), invalidatedLongAgo)).isNull();
        // an expired registration is not answered, even before the clean-up deletes it
        http.get()
                .uri("/v1/device-registrations/{token}", expiredRecently)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private void put(Tenant tenant, String deviceToken, Map<String, String> body) {
        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk();
    }

    private void invalid(String bearer, String deviceToken, Map<String, String> body, String field) {
        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.INVALID_FIELD.type().toString())
                .jsonPath("$.field")
                .isEqualTo(field);
    }
}
