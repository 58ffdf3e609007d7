package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.AvayaAliases;
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

    private static final String ALIAS = AvayaAliases.REGISTRATIONS;

    /**
     * The Android sample's registration is stored for the right tenant, configuration and session,
     * marked open. The push that follows (a signed callback for the session reaching the FCM emulator)
     * is {@code dispatch.EndToEndIntegrationTests#avayasAndroidSampleRegistersUnchangedAndItsSessionGetsThePush}.
     */
    @Test
    void registersAsAvayasAndroidSampleDoes() throws SQLException {
        Tenant tenant = tenant(true);
        String deviceToken = fcmToken();

        AvayaAliases.register(
                        http,
                        deviceToken,
                        Map.of("configId", tenant.configId(), "sessionId", "bf813a5d-2e06-4047-bae2-e01da2f69f7c"))
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
        AvayaAliases.register(
                        http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-ios", "type", "iOS"))
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
        AvayaAliases.register(http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", session))
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
        AvayaAliases.register(http, fcmToken(), Map.of("configId", "no-such-configuration", "sessionId", "s"))
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
        AvayaAliases.register(http, deviceToken, Map.of("configId", closed.configId(), "sessionId", "s"))
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pushgate\"");
        assertThat(row(closed.id(), deviceToken)).isNull();

        // with an app token the same call works, and is not marked open
        AvayaAliases.register(
                        http, deviceToken, Map.of("configId", closed.configId(), "sessionId", "s"), appToken(closed))
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
        AvayaAliases.register(http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-on"))
                .expectStatus()
                .isOk();

        sql("UPDATE tenancy.configuration SET open_registration = false WHERE id = ?", tenant.configurationId());
        changed("configuration", tenant.configurationId(), tenant.id());

        eventually(() ->
                AvayaAliases.register(http, fcmToken(), Map.of("configId", tenant.configId(), "sessionId", "s-off"))
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
        AvayaAliases.register(
                        http,
                        deviceToken,
                        Map.of("configId", tenant.configId(), "sessionId", "s-owner"),
                        appToken(tenant))
                .expectStatus()
                .isOk();

        AvayaAliases.register(http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-attacker"))
                .expectStatus()
                .isUnauthorized();
        assertThat(row(tenant.id(), deviceToken).get("session_id")).isEqualTo("s-owner");
    }

    @Test
    void anOpenCallForTheSameSessionLeavesRegistrationsMadeWithATokenActive() throws SQLException {
        Tenant tenant = tenant(true);
        String owned = fcmToken();
        AvayaAliases.register(
                        http, owned, Map.of("configId", tenant.configId(), "sessionId", "s-shared"), appToken(tenant))
                .expectStatus()
                .isOk();
        String stranger = fcmToken();

        // anyone may register a device without a token here, even for a session id they guessed
        AvayaAliases.register(http, stranger, Map.of("configId", tenant.configId(), "sessionId", "s-shared"))
                .expectStatus()
                .isOk();

        // but that does not retire the device the app registered with its token
        assertThat(row(tenant.id(), owned).get("invalidated_at")).isNull();
        assertThat(row(tenant.id(), stranger).get("invalidated_at")).isNull();
    }

    @Test
    void aBadBearerTokenIsRefusedEvenOnAnOpenConfiguration() throws SQLException {
        Tenant tenant = tenant(true);
        AvayaAliases.register(http, fcmToken(), Map.of("configId", tenant.configId(), "sessionId", "s"), "not.a.token")
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("invalid_token"));
    }
}
