package io.pushgate.emulator;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A notification the APNs emulator accepted, with its headers as sent.
 *
 * @param sequence increasing with each accepted notification
 * @param deviceToken the device token of the request path
 * @param topic {@code apns-topic}
 * @param apnsId {@code apns-id}, or {@code null} when the client sent none
 * @param collapseId {@code apns-collapse-id}, or {@code null}
 * @param priority {@code apns-priority}, or {@code null}
 * @param pushType {@code apns-push-type}, or {@code null}
 * @param expiration {@code apns-expiration} as an instant, or {@code null} (absent or 0)
 * @param payload the JSON payload as received
 * @param receivedAt when it was accepted
 */
public record ApnsNotification(
        long sequence,
        String deviceToken,
        String topic,
        String apnsId,
        String collapseId,
        Integer priority,
        String pushType,
        Instant expiration,
        String payload,
        Instant receivedAt) {

    /** The payload parsed. */
    public JsonNode payloadJson() {
        return JsonMapper.shared().readTree(payload);
    }
}
