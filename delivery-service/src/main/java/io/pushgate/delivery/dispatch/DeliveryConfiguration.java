package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What delivery needs of an AXP configuration (from {@code tenancy.configuration}): the template,
 * the delivery window and which credential sends to which platform.
 *
 * @param credentials every credential of the tenant (id and provider), for the defaults' fallback and checks
 */
record DeliveryConfiguration(
        UUID id,
        UUID tenantId,
        String title,
        String body,
        Duration deliveryWindow,
        UUID defaultAndroidCredentialId,
        UUID defaultIosCredentialId,
        List<CredentialRef> credentials) {

    static final String DEFAULT_TITLE = "New message";
    static final String DEFAULT_BODY = "You have a new message";

    /** A credential of the tenant: its id and the provider it talks to. */
    record CredentialRef(UUID id, PushProvider provider) {

        boolean delivers(PushProvider registered) {
            return provider.delivers(registered);
        }
    }

    /**
     * The credential for a registration: for {@code apns} the iOS default, which must be an APNs (or
     * sandbox) credential; for {@code fcm} the platform's default if it is FCM or sandbox, else the
     * other platform's (one Firebase project usually serves both apps). A default left unset means
     * the tenant's only credential, if it has exactly one.
     */
    Optional<CredentialRef> credentialFor(DevicePlatform platform, PushProvider provider) {
        Optional<CredentialRef> ios = resolve(defaultIosCredentialId);
        Optional<CredentialRef> android = resolve(defaultAndroidCredentialId);
        if (provider == PushProvider.APNS) {
            return ios.filter(ref -> ref.delivers(provider));
        }
        Optional<CredentialRef> own = platform == DevicePlatform.IOS ? ios : android;
        Optional<CredentialRef> other = platform == DevicePlatform.IOS ? android : ios;
        return own.filter(ref -> ref.delivers(provider)).or(() -> other.filter(ref -> ref.delivers(provider)));
    }

    private Optional<CredentialRef> resolve(UUID defaultId) {
        if (defaultId != null) {
            return credentials.stream()
                    .filter(ref -> ref.id().equals(defaultId))
                    .findFirst();
        }
        return credentials.size() == 1 ? Optional.of(credentials.get(0)) : Optional.empty();
    }

    String titleOrDefault() {
        return title == null || title.isBlank() ? DEFAULT_TITLE : title;
    }

    String bodyOrDefault() {
        return body == null || body.isBlank() ? DEFAULT_BODY : body;
    }
}
