package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.dispatch.DeliveryConfiguration.CredentialRef;
import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which credential sends to which registration. */
class DeliveryConfigurationTests {

    private final CredentialRef fcm = new CredentialRef(UUID.randomUUID(), PushProvider.FCM);
    private final CredentialRef apns = new CredentialRef(UUID.randomUUID(), PushProvider.APNS);
    private final CredentialRef sandbox = new CredentialRef(UUID.randomUUID(), PushProvider.SANDBOX);

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

        assertThat(configuration.credentialFor(DevicePlatform.ANDROID, PushProvider.FCM))
                .contains(fcm);
        assertThat(configuration.credentialFor(DevicePlatform.IOS, PushProvider.APNS))
                .contains(apns);
    }

    @Test
    void anIosRegistrationThroughFcmUsesTheFcmCredentialWhenTheIosDefaultIsApns() {
        assertThat(configuration(fcm.id(), apns.id(), fcm, apns).credentialFor(DevicePlatform.IOS, PushProvider.FCM))
                .contains(fcm);
    }

    @Test
    void anApnsRegistrationNeedsAnApnsOrSandboxCredential() {
        assertThat(configuration(fcm.id(), fcm.id(), fcm).credentialFor(DevicePlatform.IOS, PushProvider.APNS))
                .isEmpty();
        assertThat(configuration(null, sandbox.id(), sandbox, fcm).credentialFor(DevicePlatform.IOS, PushProvider.APNS))
                .contains(sandbox);
    }

    @Test
    void noDefaultMeansTheTenantsOnlyCredential() {
        assertThat(configuration(null, null, sandbox).credentialFor(DevicePlatform.ANDROID, PushProvider.FCM))
                .contains(sandbox);
        assertThat(configuration(null, null, fcm, apns).credentialFor(DevicePlatform.ANDROID, PushProvider.FCM))
                .isEmpty();
        assertThat(configuration(null, null).credentialFor(DevicePlatform.ANDROID, PushProvider.FCM))
                .isEmpty();
    }

    @Test
    void aTemplateLeftEmptyHasADefaultText() {
        DeliveryConfiguration configuration = configuration(null, null);
        assertThat(configuration.titleOrDefault()).isEqualTo("New message");
        assertThat(configuration.bodyOrDefault()).isNotBlank();
    }
}
