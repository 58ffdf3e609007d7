package io.pushgate.api.axp;

import io.pushgate.api.AxpSignature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One notification callback of AXP, as Pushgate accepts it (AXP-CONTRACT.md §1).
 *
 * <p>Only {@code eventId} and {@code sessionId} are signed; every other field is untrusted data that
 * is kept, as text, for the device. The constructor enforces the limits below and throws {@link
 * InvalidAxpEventException} naming the offending field, so the ingress, the load simulator and the
 * tests share one definition of a valid event.
 *
 * @param eventId AXP's id of the event, 1–{@value #MAX_ID_LENGTH} characters; the idempotency key
 * @param sessionId the Omni SDK session, 1–{@value #MAX_ID_LENGTH} characters
 * @param conversationId optional, at most {@value #MAX_ID_LENGTH} characters
 * @param customerId optional, at most {@value #MAX_ID_LENGTH} characters
 * @param eventDate optional, an ISO-8601 date-time (e.g. {@code 2024-03-18T11:00:24.481Z}); an offset is
 *     optional, since refusing an authentic event for its timestamp's form would lose it; kept as sent
 * @param otherFields the body's other fields, as text, in the order sent
 */
public record AxpEvent(
        String eventId,
        String sessionId,
        String conversationId,
        String customerId,
        String eventDate,
        Map<String, String> otherFields) {

    /** The largest body a callback may have, in bytes (64 KiB). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The most characters (code points) an id field may have. */
    public static final int MAX_ID_LENGTH = 128;

    /** The most fields an event may have, the named ones included. */
    public static final int MAX_FIELDS = 32;

    /** The most characters the name of another field may have. */
    public static final int MAX_FIELD_NAME_LENGTH = 64;

    /** The most characters the value of another field may have, as text. */
    public static final int MAX_FIELD_VALUE_LENGTH = 1024;

    /** The names of the fields this record holds as components. */
    public static final Set<String> NAMED_FIELDS =
            Set.of("eventId", "sessionId", "conversationId", "customerId", "eventDate");

    public AxpEvent {
        requireId("eventId", eventId);
        requireId("sessionId", sessionId);
        optionalId("conversationId", conversationId);
        optionalId("customerId", customerId);
        if (eventDate != null) {
            requireText("eventDate", eventDate, MAX_ID_LENGTH);
            if (!IsoDateTimes.isDateTime(eventDate)) {
                throw new InvalidAxpEventException(
                        "eventDate", "must be an ISO-8601 date-time, such as 2024-03-18T11:00:24.481Z");
            }
        }
        Objects.requireNonNull(otherFields, "otherFields");
        int named = 2 + count(conversationId) + count(customerId) + count(eventDate);
        if (named + otherFields.size() > MAX_FIELDS) {
            throw new InvalidAxpEventException(null, "an event has at most " + MAX_FIELDS + " fields");
        }
        for (var field : otherFields.entrySet()) {
            String name = field.getKey();
            if (NAMED_FIELDS.contains(name)) {
                throw new InvalidAxpEventException(name, "is a named field, not another field");
            }
            requireText("a field name", name, MAX_FIELD_NAME_LENGTH);
            requireText(name, Objects.requireNonNull(field.getValue(), name), MAX_FIELD_VALUE_LENGTH);
        }
        otherFields = Collections.unmodifiableMap(new LinkedHashMap<>(otherFields));
    }

    /** An event with only its two required fields. */
    public static AxpEvent of(String eventId, String sessionId) {
        return new AxpEvent(eventId, sessionId, null, null, null, Map.of());
    }

    /** The {@code X-hmac} header value AXP would send for this event under {@code secret}. */
    public String signature(String secret) {
        return AxpSignature.sign(secret, eventId, sessionId);
    }

    /** Every field present, as text, the named ones first: what the device receives. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", eventId);
        fields.put("sessionId", sessionId);
        if (conversationId != null) {
            fields.put("conversationId", conversationId);
        }
        if (customerId != null) {
            fields.put("customerId", customerId);
        }
        if (eventDate != null) {
            fields.put("eventDate", eventDate);
        }
        fields.putAll(otherFields);
        return fields;
    }

    /** The event as the JSON body AXP posts (every value a string). */
    public String toJson() {
        StringBuilder json = new StringBuilder(256).append('{');
        for (var field : fields().entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, field.getKey()).append(':');
            appendString(json, field.getValue());
        }
        return json.append('}').toString();
    }

    private static void requireId(String field, String value) {
        if (value == null) {
            throw new InvalidAxpEventException(field, "is required");
        }
        optionalId(field, value);
    }

    private static void optionalId(String field, String value) {
        if (value != null) {
            if (value.isEmpty()) {
                throw new InvalidAxpEventException(field, "must not be empty");
            }
            requireText(field, value, MAX_ID_LENGTH);
        }
    }

    /**
     * Text PostgreSQL and UTF-8 can hold (no U+0000, no unpaired surrogate) of at most {@code max}
     * code points.
     */
    private static void requireText(String field, String value, int max) {
        if (value.length() > max * 2 || value.codePointCount(0, value.length()) > max) {
            throw new InvalidAxpEventException(field, "must have at most " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new InvalidAxpEventException(field, "must not contain U+0000");
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidAxpEventException(field, "must not contain an unpaired surrogate");
            }
        }
    }

    private static int count(String optional) {
        return optional == null ? 0 : 1;
    }

    private static StringBuilder appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
