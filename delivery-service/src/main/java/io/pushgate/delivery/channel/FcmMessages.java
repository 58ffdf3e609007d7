package io.pushgate.delivery.channel;

import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Push} as an FCM message (AXP-CONTRACT.md §3): Android gets a data-only message with the
 * AXP fields as strings and high priority; iOS through FCM the same data plus a visible notification
 * and {@code mutable-content}, so that its Notification Service Extension wakes.
 */
final class FcmMessages {

    /** The named AXP fields always go; other fields only while the data stays within this many bytes. */
    static final int DATA_BUDGET_BYTES = 3072;

    private static final Set<String> ALWAYS =
            Set.of("eventId", "sessionId", "conversationId", "customerId", "eventDate");
    private static final Set<String> RESERVED = Set.of("from", "notification", "message_type", "collapse_key");

    private FcmMessages() {}

    static Message of(Push push, Instant now) {
        Message.Builder message = Message.builder();
        target(message, push.deviceToken());
        message.putAllData(data(push.fields()));
        long ttlSeconds = Math.max(0, Duration.between(now, push.expiresAt()).toSeconds());
        if (push.isIos()) {
            message.setNotification(Notification.builder()
                            .setTitle(push.title())
                            .setBody(push.body())
                            .build())
                    .setApnsConfig(ApnsConfig.builder()
                            .putHeader("apns-priority", "10")
                            .putHeader("apns-push-type", "alert")
                            .putHeader("apns-collapse-id", push.collapseId())
                            .putHeader(
                                    "apns-expiration",
                                    Long.toString(push.expiresAt().getEpochSecond()))
                            .setAps(Aps.builder().setMutableContent(true).build())
                            .build());
        } else {
            message.setAndroidConfig(AndroidConfig.builder()
                    .setPriority(AndroidConfig.Priority.HIGH)
                    .setTtl(ttlSeconds * 1000)
                    .setCollapseKey(push.collapseId())
                    .build());
        }
        return message.build();
    }

    // setToken is deprecated in firebase-admin 9.11 in favour of setFid (Firebase installation ids);
    // the device tokens apps register are FCM registration tokens, which FCM v1 takes as "token".
    @SuppressWarnings("deprecation")
    private static void target(Message.Builder message, String deviceToken) {
        message.setToken(deviceToken);
    }

    /** The fields FCM can carry: no reserved keys, the named ones first, the rest within the budget. */
    static Map<String, String> data(Map<String, String> fields) {
        Map<String, String> data = new LinkedHashMap<>();
        int bytes = 0;
        for (var field : fields.entrySet()) {
            if (ALWAYS.contains(field.getKey())) {
                data.put(field.getKey(), field.getValue());
                bytes += size(field.getKey(), field.getValue());
            }
        }
        for (var field : fields.entrySet()) {
            String key = field.getKey();
            if (ALWAYS.contains(key) || isReserved(key)) {
                continue;
            }
            int size = size(key, field.getValue());
            if (bytes + size <= DATA_BUDGET_BYTES) {
                data.put(key, field.getValue());
                bytes += size;
            }
        }
        return data;
    }

    private static boolean isReserved(String key) {
        return RESERVED.contains(key) || key.startsWith("google") || key.startsWith("gcm");
    }

    /** The bytes of {@code "key":"value",} in the message's JSON, where FCM counts them. */
    private static int size(String key, String value) {
        return jsonBytes(key) + jsonBytes(value) + 6;
    }

    /**
     * The UTF-8 bytes of {@code text} inside a JSON string: a quote or backslash takes two, a control
     * character up to six (escaped with four hex digits), other characters their UTF-8 length.
     */
    static int jsonBytes(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 2; // a pair is four bytes in UTF-8 (a lone half is refused at the ingress)
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
