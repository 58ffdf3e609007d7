package io.pushgate.delivery.registration;

import java.time.Instant;
import java.util.UUID;

/**
 * One device registration as stored: which device token receives the pushes of which AXP session
 * of which tenant's configuration.
 *
 * @param configId the AXP Configuration Id the app registered with
 * @param apnsEnvironment {@code production} or {@code sandbox} when an APNs registration names it, else
 *     {@code null} (delivery then uses the APNs credential's environment)
 * @param openRegistration whether it was registered without a token (open-registration mode)
 * @param invalidatedAt when delivery found the token dead or a newer registration of the session
 *     superseded it, or {@code null}
 */
record Registration(
        UUID id,
        UUID tenantId,
        UUID configurationId,
        String configId,
        String deviceToken,
        String sessionId,
        String customerId,
        DevicePlatform platform,
        PushProvider provider,
        String apnsEnvironment,
        String appId,
        boolean openRegistration,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant invalidatedAt,
        String invalidatedReason) {

    @Override
    public String toString() {
        return "Registration[id=" + id + ", tenantId=" + tenantId + ", configurationId=" + configurationId
                + ", deviceToken=" + DeviceTokens.fingerprint(deviceToken) + ", platform=" + platform
                + ", provider=" + provider + ", openRegistration=" + openRegistration + "]";
    }
}
