package io.pushgate.delivery.registration;

/**
 * What a caller asks to register for a device token, checked: the AXP Configuration Id, the Omni
 * SDK session, and how to reach the device.
 */
record RegistrationRequest(
        String deviceToken,
        String configId,
        String sessionId,
        String customerId,
        DevicePlatform platform,
        PushProvider provider,
        String apnsEnvironment,
        String appId) {

    @Override
    public String toString() {
        return "RegistrationRequest[deviceToken=" + DeviceTokens.fingerprint(deviceToken) + ", platform=" + platform
                + ", provider=" + provider + "]";
    }
}
