package io.pushgate.delivery.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What delivery needs of an AXP configuration (from {@code tenancy.configuration}): the template,
 * the delivery window and which credential sends to which platform.
 *
 * @param credentials every credential of the tenant (id and type), for the defaults' fallback and checks
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

    record CredentialRef(UUID id, String type) {

        boolean sendsThroughFcm() {
            return "fcm".equals(type) || "sandbox".equals(type);
        }
    }

    /**
     * The credential for a registration: for {@code apns} the iOS default, which must be an APNs (or
     * sandbox) credential; for {@code fcm} the platform's default if it is FCM or sandbox, else the
     * other platform's (one Firebase project usually serves both apps). A default left unset means
     * the tenant's only credential, if it has exactly one.
     */
    Optional<CredentialRef> credentialFor(String platform, String provider) {
        Optional<CredentialRef> ios = resolve(defaultIosCredentialId);
        Optional<CredentialRef> android = resolve(defaultAndroidCredentialId);
        if ("apns".equals(provider)) {
            return ios.filter(ref -> "apns".equals(ref.type()) || "sandbox".equals(ref.type()));
        }
        Optional<CredentialRef> own = "ios".equals(platform) ? ios : android;
        Optional<CredentialRef> other = "ios".equals(platform) ? android : ios;
        return own.filter(CredentialRef::sendsThroughFcm).or(() -> other.filter(CredentialRef::sendsThroughFcm));
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
