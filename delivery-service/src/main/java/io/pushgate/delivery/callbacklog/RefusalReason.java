package io.pushgate.delivery.callbacklog;

/**
 * Why a callback of a known configuration was refused, as the refused-callback log stores and shows
 * it ({@code delivery.refused_callback.reason}), each with what to fix in AXP. A published text never
 * changes.
 */
public enum RefusalReason {
    /** No {@code X-hmac} header. */
    SIGNATURE_MISSING(
            "signature-missing",
            "AXP sent no X-hmac header: enter this configuration's secret in AXP's push configuration (Contact"
                    + " Center > Push Notifications)."),
    /** {@code X-hmac} is not the 64 hex digits of an HMAC-SHA256. */
    SIGNATURE_MALFORMED(
            "signature-malformed",
            "X-hmac is not 64 hex digits: AXP signs every callback so; something between AXP and Pushgate"
                    + " changed the header, or it was not AXP calling."),
    /** The signature matches neither the current nor the previous secret. */
    SIGNATURE_MISMATCH(
            "signature-mismatch",
            "The secret in AXP differs from this configuration's: rotate it here and paste the new one into" + " AXP."),
    /** The signature matches only the previous secret, whose grace window has closed. */
    SIGNATURE_EXPIRED_SECRET(
            "signature-expired-secret",
            "AXP still signs with the previous secret, which no longer works: paste this configuration's current"
                    + " secret into AXP (or rotate it here and paste the new one)."),
    /** The configuration is disabled. */
    CONFIGURATION_DISABLED(
            "configuration-disabled",
            "This configuration is disabled: enable it here, or remove this callback URL from AXP."),
    /** The body was not declared as {@code application/json} in UTF-8. */
    UNSUPPORTED_MEDIA_TYPE(
            "unsupported-media-type",
            "The body was not sent as application/json (UTF-8): AXP sends JSON, so check that nothing between AXP"
                    + " and Pushgate changes the request, or what else calls this URL."),
    /** The body is not JSON, or the event breaks its rules; the log keeps the field's name, if any. */
    MALFORMED_EVENT(
            "malformed-event",
            "The event is not one AXP sends (not a JSON object, or a field missing or invalid): check what calls"
                    + " this URL, or that AXP's event format did not change."),
    /** The body was larger than the callback's size cap. */
    TOO_LARGE("too-large", "The body was larger than 64 KiB: AXP's events are small, so check what calls this URL.");

    private final String text;
    private final String hint;

    RefusalReason(String text, String hint) {
        this.text = text;
        this.hint = hint;
    }

    /** The stable code, e.g. {@code signature-mismatch}. */
    public String text() {
        return text;
    }

    /** What to fix in AXP; for a malformed event with the field at fault, if known. */
    public String hint(String field) {
        if (this == MALFORMED_EVENT && field != null) {
            return "The event's field \"" + field + "\" is missing or invalid: check what calls this URL, or that"
                    + " AXP's event format did not change.";
        }
        return hint;
    }

    /** The reason whose code is {@code text}. */
    public static RefusalReason of(String text) {
        for (RefusalReason reason : values()) {
            if (reason.text.equals(text)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("no refusal reason " + text);
    }
}
