package io.pushgate.portal.backend;

import java.time.Instant;

/**
 * A refused callback as delivery-service's {@code GET /v1/configurations/{id}/refused-callbacks} shows
 * it: when, from where, the stable reason code and what to fix in AXP.
 */
public record RefusedCallback(Instant at, String sourceIp, String reason, String hint) {

    /** The reason in words, for a person; an unknown code as it is. */
    public String reasonInWords() {
        return inWords(reason);
    }

    /** A refusal reason code in words (what it is, a colon, what it means); an unknown code as it is. */
    public static String inWords(String reason) {
        return switch (reason == null ? "" : reason) {
            case "signature-missing" -> "No signature: the X-hmac header is missing";
            case "signature-malformed" -> "Malformed signature: X-hmac is not 64 hex digits";
            case "signature-mismatch" -> "Wrong secret: the signature matches neither secret";
            case "signature-expired-secret" -> "Old secret: signed with the previous secret, which no longer works";
            case "configuration-disabled" -> "Configuration disabled";
            case "unsupported-media-type" -> "Not JSON: the body's content type is not application/json";
            case "malformed-event" -> "Malformed event";
            case "too-large" -> "Too large: the body is over 64 KiB";
            default -> reason;
        };
    }

    /** A refusal reason code in a few words (the part of {@link #inWords} before its colon), for a legend. */
    public static String inFewWords(String reason) {
        String words = inWords(reason);
        int colon = words == null ? -1 : words.indexOf(':');
        return colon < 0 ? words : words.substring(0, colon);
    }
}
