package io.pushgate.delivery.registration;

import java.util.UUID;

/**
 * Where a notification goes: the device of a session's newest usable registration, as delivery
 * needs it.
 *
 * @param registrationId the registration, to invalidate when the provider rejects its token
 * @param apnsEnvironment {@code production} or {@code sandbox} for an APNs registration that says so
 * @param appId the app's bundle id (the APNs topic) when the registration names it
 */
public record Device(
        UUID registrationId,
        String deviceToken,
        DevicePlatform platform,
        PushProvider provider,
        String apnsEnvironment,
        String appId) {

    @Override
    public String toString() {
        return "Device[registrationId=" + registrationId + ", deviceToken=" + DeviceTokens.fingerprint(deviceToken)
                + ", platform=" + platform + ", provider=" + provider + "]";
    }
}
