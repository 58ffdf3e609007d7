package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.dispatch.DeliveryConfiguration.CredentialRef;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which credential sends to which registration. */
class DeliveryConfigurationTests {

    private final CredentialRef fcm = new CredentialRef(UUID.randomUUID(), "fcm");
    private final CredentialRef apns = new CredentialRef(UUID.randomUUID(), "apns");
    private final CredentialRef sandbox = new CredentialRef(UUID.randomUUID(), "sandbox");

    private DeliveryConfiguration configuration(UUID android, UUID ios, CredentialRef... credentials) {
        return new DeliveryConfiguration(
                UUID.randomUUID(),
                UUID.randomUUID(),
                null,
                null,
                Duration.ofMinutes(10),
                android,
                ios,
                List.of(credentials));
    }

    @Test
    void eachPlatformUsesItsDefault() {
        DeliveryConfiguration configuration = configuration(fcm.id(), apns.id(), fcm, apns);

        assertThat(configuration.credentialFor("android", "fcm")).contains(fcm);
        assertThat(configuration.credentialFor("ios", "apns")).contains(apns);
    }

    @Test
    void anIosRegistrationThroughFcmUsesTheFcmCredentialWhenTheIosDefaultIsApns() {
        assertThat(configuration(fcm.id(), apns.id(), fcm, apns).credentialFor("ios", "fcm"))
                .contains(fcm);
    }

    @Test
    void anApnsRegistrationNeedsAnApnsOrSandboxCredential() {
        assertThat(configuration(fcm.id(), fcm.id(), fcm).credentialFor("ios", "apns"))
                .isEmpty();
        assertThat(configuration(null, sandbox.id(), sandbox, fcm).credentialFor("ios", "apns"))
                .contains(sandbox);
    }

    @Test
    void noDefaultMeansTheTenantsOnlyCredential() {
        assertThat(configuration(null, null, sandbox).credentialFor("android", "fcm"))
                .contains(sandbox);
        assertThat(configuration(null, null, fcm, apns).credentialFor("android", "fcm"))
                .isEmpty();
        assertThat(configuration(null, null).credentialFor("android", "fcm")).isEmpty();
    }

    @Test
    void aTemplateLeftEmptyHasADefaultText() {
        DeliveryConfiguration configuration = configuration(null, null);
        assertThat(configuration.titleOrDefault()).isEqualTo("New message");
        assertThat(configuration.bodyOrDefault()).isNotBlank();
    }
}
