package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.problem.DeliveryApiProblem;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * The aliases Avaya's sample apps call (AXP-CONTRACT.md §2), exactly as they call them: no
 * {@code Authorization} header, on a configuration in open-registration mode.
 */
class RegistrationAvayaAliasIntegrationTests extends RegistrationIntegrationSupport {

    private static final String ALIAS = "/custom-notification-connector/device-registrations";

    /**
     * The Android sample's registration is stored for the right tenant, configuration and session,
     * marked open. The push that follows (a signed callback for the session reaching the FCM emulator)
     * is {@code dispatch.EndToEndIntegrationTests#avayasAndroidSampleRegistersUnchangedAndItsSessionGetsThePush}.
     */
    @Test
    void registersAsAvayasAndroidSampleDoes() throws SQLException {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();

        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "bf813a5d-2e06-4047-bae2-e01da2f69f7c"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .json(
                        "{\"configId\":\"" + tenant.configId()
                                + "\",\"sessionId\":\"bf813a5d-2e06-4047-bae2-e01da2f69f7c\",\"deviceToken\":\""
                                + deviceToken
                                + "\"}",
                        org.springframework.test.json.JsonCompareMode.STRICT);

        Map<String, Object> row = row(tenant.id(), deviceToken);
        assertThat(row).isNotNull();
        assertThat(row.get("configuration_id")).isEqualTo(tenant.configurationId());
        assertThat(row.get("session_id")).isEqualTo("bf813a5d-2e06-4047-bae2-e01da2f69f7c");
        assertThat(row.get("platform")).isEqualTo("android");
        assertThat(row.get("provider")).isEqualTo("fcm");
        assertThat(row.get("open_registration")).isEqualTo(true);
    }

    @Test
    void typeIosInAnyCaseIsAnIosDeviceOverFcm() throws SQLException {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-ios", "type", "iOS"))
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(row(tenant.id(), deviceToken).get("platform")).isEqualTo("ios");
        assertThat(row(tenant.id(), deviceToken).get("provider")).isEqualTo("fcm");
    }

    @Test
    void getsSearchesAndDeletesAsTheContractSays() throws SQLException {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();
        String session = "s-alias-" + deviceToken.substring(4, 20);
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", session))
                .exchange()
                .expectStatus()
                .isOk();

        http.get()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deviceToken")
                .isEqualTo(deviceToken)
                .jsonPath("$.configId")
                .isEqualTo(tenant.configId())
                .jsonPath("$.sessionId")
                .isEqualTo(session);
        http.post()
                .uri(ALIAS + ":search")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", session))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deviceToken")
                .isEqualTo(deviceToken);
        http.delete()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNoContent();

        http.get()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.post()
                .uri(ALIAS + ":search")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", session))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void anUnknownConfigIdIs404() {
        http.put()
                .uri(ALIAS + "/{token}", fcmToken())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", "no-such-configuration", "sessionId", "s"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.NOT_FOUND.type().toString());
    }

    @Test
    void withoutOpenRegistrationTheSampleAppsCallNeedsAToken() throws SQLException {
        Tenant closed = tenant(false);
        String deviceToken = fcmToken();
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", closed.configId(), "sessionId", "s"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pushgate\"");
        assertThat(row(closed.id(), deviceToken)).isNull();

        // with an app token the same call works, and is not marked open
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(closed))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", closed.configId(), "sessionId", "s"))
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(row(closed.id(), deviceToken).get("open_registration")).isEqualTo(false);
        // and what was registered with a token is not readable, searchable or deletable without one
        http.get()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.delete()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNotFound();
        assertThat(row(closed.id(), deviceToken)).isNotNull();
    }

    @Test
    void openRegistrationSwitchedOffIsEnforcedOnceTheChangeIsNotified() throws Exception {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-on"))
                .exchange()
                .expectStatus()
                .isOk();

        sql("UPDATE tenancy.configuration SET open_registration = false WHERE id = ?", tenant.configurationId());
        changed("configuration", tenant.configurationId(), tenant.id());

        eventually(() -> http.put()
                        .uri(ALIAS + "/{token}", fcmToken())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-off"))
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value()
                == 401);
        // the open registrations made before are no longer answered without a token
        http.get()
                .uri(ALIAS + "/{token}", deviceToken)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void anOpenCallCannotTakeOverARegistrationMadeWithAToken() throws SQLException {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();
        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-owner"))
                .exchange()
                .expectStatus()
                .isOk();

        http.put()
                .uri(ALIAS + "/{token}", deviceToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-attacker"))
                .exchange()
                .expectStatus()
                .isUnauthorized();
        assertThat(row(tenant.id(), deviceToken).get("session_id")).isEqualTo("s-owner");
    }

    @Test
    void anOpenCallForTheSameSessionLeavesRegistrationsMadeWithATokenActive() throws SQLException {
        Tenant tenant = tenant(true);
        String owned = fcmToken();
        http.put()
                .uri(ALIAS + "/{token}", owned)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + appToken(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-shared"))
                .exchange()
                .expectStatus()
                .isOk();
        String stranger = fcmToken();

        // anyone may register a device without a token here, even for a session id they guessed
        http.put()
                .uri(ALIAS + "/{token}", stranger)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-shared"))
                .exchange()
                .expectStatus()
                .isOk();

        // but that does not retire the device the app registered with its token
        assertThat(row(tenant.id(), owned).get("invalidated_at")).isNull();
        assertThat(row(tenant.id(), stranger).get("invalidated_at")).isNull();
    }

    @Test
    void aBadBearerTokenIsRefusedEvenOnAnOpenConfiguration() throws SQLException {
        Tenant tenant = tenant(true);
        http.put()
                .uri(ALIAS + "/{token}", fcmToken())
                .header(HttpHeaders.AUTHORIZATION, "Bearer not.a.token")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("invalid_token"));
    }
}
