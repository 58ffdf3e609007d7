package io.pushgate.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a {@code message} object as FCM HTTP v1 does for the fields Pushgate uses; answers the
 * INVALID_ARGUMENT message, or empty when the message is valid.
 *
 * <p>The payload limit: the JSON of {@code data} and {@code notification} (and their {@code android}
 * counterparts) together at most 4096 bytes, and {@code apns.payload} at most 4096 bytes.
 */
final class FcmMessageValidator {

    static final int MAX_PAYLOAD_BYTES = 4096;

    private static final Set<String> MESSAGE_FIELDS = Set.of(
            "name",
            "data",
            "notification",
            "android",
            "webpush",
            "apns",
            "fcm_options",
            "fcmOptions",
            "token",
            "fid",
            "topic",
            "condition");
    private static final Set<String> NOTIFICATION_FIELDS = Set.of("title", "body", "image");
    private static final Set<String> ANDROID_FIELDS = Set.of(
            "collapse_key",
            "collapseKey",
            "priority",
            "ttl",
            "restricted_package_name",
            "restrictedPackageName",
            "data",
            "notification",
            "fcm_options",
            "fcmOptions",
            "direct_boot_ok",
            "directBootOk");
    private static final Set<String> APNS_FIELDS =
            Set.of("headers", "payload", "fcm_options", "fcmOptions", "live_activity_token");
    private static final Set<String> RESERVED_DATA_KEYS = Set.of("from", "notification", "message_type");
    private static final Pattern DURATION = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?s");
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final int MAX_TOPIC_LENGTH = 900;
    private static final long MAX_TTL_SECONDS = 28L * 24 * 3600;

    private final JsonMapper json;

    FcmMessageValidator(JsonMapper json) {
        this.json = json;
    }

    /**
     * {@code [A-Za-z0-9_:.-]{1,4096}}, checked without a regular expression: this runs for every
     * message, and a bounded repetition is matched recursively, one stack frame per character.
     */
    static boolean isToken(String token) {
        return hasOnly(token, 0, MAX_TOKEN_LENGTH, ":");
    }

    /** {@code (/topics/)?[a-zA-Z0-9_.~%-]{1,900}}, checked without a regular expression (see {@link #isToken}). */
    static boolean isTopic(String topic) {
        int start = topic.startsWith("/topics/") ? "/topics/".length() : 0;
        return hasOnly(topic, start, MAX_TOPIC_LENGTH, "~%");
    }

    /** Whether {@code text} from {@code start} has 1 to {@code max} letters, digits, {@code _.-} or {@code extra}. */
    private static boolean hasOnly(String text, int start, int max, String extra) {
        int length = text.length() - start;
        if (length < 1 || length > max) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-'
                    || extra.indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    Optional<String> validate(JsonNode message) {
        if (message == null || !message.isObject()) {
            return Optional.of("Invalid JSON payload received. 'message' must be an object.");
        }
        for (String field : message.propertyNames()) {
            if (!MESSAGE_FIELDS.contains(field)) {
                return Optional.of("Invalid JSON payload received. Unknown name \"" + field + "\" at 'message'.");
            }
        }
        int targets = 0;
        for (String target : new String[] {"token", "fid", "topic", "condition"}) {
            JsonNode value = message.get(target);
            if (value != null && !value.isNull()) {
                if (!value.isString() || value.stringValue().isEmpty()) {
                    return Optional.of("Invalid value at 'message." + target + "': a non-empty string is required.");
                }
                targets++;
            }
        }
        if (targets != 1) {
            return Optional.of(
                    "Exactly one of message.token, message.fid, message.topic or message.condition must be set, found "
                            + targets + ".");
        }
        if (message.hasNonNull("token") && !isToken(message.get("token").stringValue())) {
            return Optional.of("The registration token is not a valid FCM registration token");
        }
        if (message.hasNonNull("topic") && !isTopic(message.get("topic").stringValue())) {
            return Optional.of("Invalid topic name.");
        }
        Optional<String> problem = stringMap(message.get("data"), "message.data", true)
                .or(() -> notification(message.get("notification"), "message.notification"))
                .or(() -> android(message.get("android")))
                .or(() -> apns(message.get("apns")));
        if (problem.isPresent()) {
            return problem;
        }
        JsonNode android = message.path("android");
        int payload = size(message.get("data"))
                + size(message.get("notification"))
                + size(android.get("data"))
                + size(android.get("notification"));
        if (payload > MAX_PAYLOAD_BYTES) {
            return Optional.of("Message is too big: the payload is " + payload + " bytes, the limit is "
                    + MAX_PAYLOAD_BYTES + ".");
        }
        int apnsPayload = size(message.path("apns").get("payload"));
        if (apnsPayload > MAX_PAYLOAD_BYTES) {
            return Optional.of("Message is too big: the APNs payload is " + apnsPayload + " bytes, the limit is "
                    + MAX_PAYLOAD_BYTES + ".");
        }
        return Optional.empty();
    }

    private static Optional<String> stringMap(JsonNode node, String path, boolean data) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            return Optional.of("Invalid value at '" + path + "': a map of strings is required.");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                return Optional.of("Invalid value at '" + path + "' (" + entry.getKey()
                        + "), Invalid value: the values must be strings.");
            }
            String key = entry.getKey().toLowerCase(Locale.ROOT);
            if (data && (RESERVED_DATA_KEYS.contains(key) || key.startsWith("google.") || key.startsWith("gcm."))) {
                return Optional.of("Invalid data payload key: '" + entry.getKey() + "' is reserved.");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> notification(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            return Optional.of("Invalid value at '" + path + "': an object is required.");
        }
        if (path.equals("message.notification")) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                if (!NOTIFICATION_FIELDS.contains(entry.getKey())) {
                    return Optional.of("Invalid JSON payload received. Unknown name \"" + entry.getKey() + "\" at '"
                            + path + "'.");
                }
                if (!entry.getValue().isString()) {
                    return Optional.of("Invalid value at '" + path + "." + entry.getKey() + "': a string is required.");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> android(JsonNode android) {
        if (android == null || android.isNull()) {
            return Optional.empty();
        }
        if (!android.isObject()) {
            return Optional.of("Invalid value at 'message.android': an object is required.");
        }
        for (String field : android.propertyNames()) {
            if (!ANDROID_FIELDS.contains(field)) {
                return Optional.of(
                        "Invalid JSON payload received. Unknown name \"" + field + "\" at 'message.android'.");
            }
        }
        JsonNode priority = android.get("priority");
        if (priority != null && !priority.isNull()) {
            String value = priority.isString() ? priority.stringValue().toUpperCase(Locale.ROOT) : "";
            if (!value.equals("NORMAL") && !value.equals("HIGH")) {
                return Optional.of("Invalid value at 'message.android.priority' (type.googleapis.com/"
                        + "google.firebase.fcm.v1.AndroidMessagePriority), \"" + priority.asString() + "\"");
            }
        }
        JsonNode ttl = android.get("ttl");
        if (ttl != null && !ttl.isNull()) {
            if (!ttl.isString() || !DURATION.matcher(ttl.stringValue()).matches()) {
                return Optional.of(
                        "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)," + " \""
                                + ttl.asString() + "\": a duration such as \"3.5s\" is required.");
            }
            String seconds = ttl.stringValue().substring(0, ttl.stringValue().length() - 1);
            if (Double.parseDouble(seconds) > MAX_TTL_SECONDS) {
                return Optional.of("Invalid value at 'message.android.ttl': the maximum is 2419200s (28 days).");
            }
        }
        JsonNode collapseKey = android.has("collapse_key") ? android.get("collapse_key") : android.get("collapseKey");
        if (collapseKey != null && !collapseKey.isNull() && !collapseKey.isString()) {
            return Optional.of("Invalid value at 'message.android.collapse_key': a string is required.");
        }
        return stringMap(android.get("data"), "message.android.data", true)
                .or(() -> notification(android.get("notification"), "message.android.notification"));
    }

    private static Optional<String> apns(JsonNode apns) {
        if (apns == null || apns.isNull()) {
            return Optional.empty();
        }
        if (!apns.isObject()) {
            return Optional.of("Invalid value at 'message.apns': an object is required.");
        }
        for (String field : apns.propertyNames()) {
            if (!APNS_FIELDS.contains(field)) {
                return Optional.of("Invalid JSON payload received. Unknown name \"" + field + "\" at 'message.apns'.");
            }
        }
        JsonNode payload = apns.get("payload");
        if (payload != null && !payload.isNull()) {
            if (!payload.isObject()) {
                return Optional.of("Invalid value at 'message.apns.payload': an object is required.");
            }
            JsonNode aps = payload.get("aps");
            if (aps != null && !aps.isObject()) {
                return Optional.of("Invalid value at 'message.apns.payload.aps': an object is required.");
            }
        }
        return stringMap(apns.get("headers"), "message.apns.headers", false);
    }

    private int size(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        return json.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
    }
}
