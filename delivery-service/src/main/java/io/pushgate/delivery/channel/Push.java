package io.pushgate.delivery.channel;

import io.pushgate.delivery.registration.DevicePlatform;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One push to one device, provider-neutral. A retry sends the same {@code Push} again: the same
 * collapse id and (APNs) the notification id as {@code apns-id}, so a duplicate collapses on the device.
 *
 * @param notificationId the notification; also the {@code apns-id}
 * @param deviceToken the registration's token (never logged in full)
 * @param fields the AXP event's fields, as text: the data the app reads
 * @param title the visible title (iOS), from the configuration's template
 * @param body the visible body (iOS), from the configuration's template
 * @param collapseId one per conversation (the session when there is none)
 * @param expiresAt when the delivery window closes: the provider drops the push after it
 * @param topic the APNs topic (the app's bundle id) when the registration names its app, else
 *     {@code null}: the credential's topic
 */
public record Push(
        UUID notificationId,
        String deviceToken,
        DevicePlatform platform,
        Map<String, String> fields,
        String title,
        String body,
        String collapseId,
        Instant expiresAt,
        String topic) {

    public Push {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(deviceToken, "deviceToken");
        fields = Map.copyOf(fields);
    }

    public boolean isIos() {
        return platform == DevicePlatform.IOS;
    }

    @Override
    public String toString() {
        return "Push[notificationId=" + notificationId + ", deviceToken=" + redact(deviceToken) + ", platform="
                + platform + "]";
    }

    /** The first 6 characters of a device token, enough to tell tokens apart in a log, not to use one. */
    public static String redact(String deviceToken) {
        return deviceToken == null ? null : deviceToken.substring(0, Math.min(6, deviceToken.length())) + "…";
    }
}
