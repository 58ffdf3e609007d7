package io.pushgate.api.problem;

import java.net.URI;

/**
 * The problems of {@code POST /axp/callbacks/{callbackKey}}, one per kind of error. Their {@code
 * type} URIs are stable: AXP operators, the load simulator and the portal match on them.
 */
public enum CallbackProblem implements ProblemKind {
    /** The body is larger than the callback's size cap (64 KiB). */
    BODY_TOO_LARGE(413, "callback-body-too-large", "Callback body too large"),
    /** The body is not declared as {@code application/json} (UTF-8). */
    UNSUPPORTED_MEDIA_TYPE(415, "callback-unsupported-media-type", "Callback body is not JSON"),
    /**
     * No configuration has this callback key, or its configuration is disabled (also for a path under
     * {@code /axp/callbacks/} that is no callback URL at all).
     */
    UNKNOWN_CALLBACK_KEY(404, "callback-unknown-key", "Unknown callback key"),
    /** A callback URL was called with another method than POST; comes with {@code Allow: POST}. */
    METHOD_NOT_ALLOWED(405, "callback-method-not-allowed", "Callback URLs take POST only"),
    /** The {@code X-hmac} header is missing, malformed, or not the signature of this event. */
    INVALID_SIGNATURE(401, "callback-invalid-signature", "Invalid X-hmac signature"),
    /** The body is not one well-formed JSON object. */
    MALFORMED_JSON(400, "callback-malformed-json", "Malformed JSON"),
    /** The JSON object breaks the event's rules (a field missing, of a wrong type or too long). */
    INVALID_EVENT(400, "callback-invalid-event", "Invalid AXP event"),
    /**
     * The tenant's plan allows no more callbacks just now (its callbacks per second and burst);
     * nothing was stored. Comes with {@code Retry-After}: whole seconds until one more is allowed.
     */
    RATE_LIMITED(429, "callback-rate-limited", "Too many callbacks"),
    /**
     * The event could not be stored durably in time (database unavailable, too slow, or the ingress
     * overloaded); nothing was acknowledged. Comes with {@code Retry-After}.
     */
    STORAGE_UNAVAILABLE(503, "callback-storage-unavailable", "Event storage unavailable"),
    /**
     * The configuration exists but its secret cannot be read (the keyset misses its key); an operator
     * must fix the keyset. Comes with {@code Retry-After}.
     */
    CONFIGURATION_UNUSABLE(503, "callback-configuration-unusable", "Configuration secret unreadable");

    private final int status;
    private final URI type;
    private final String title;

    CallbackProblem(int status, String slug, String title) {
        this.status = status;
        this.type = ProblemKind.type(slug);
        this.title = title;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public URI type() {
        return type;
    }

    @Override
    public String title() {
        return title;
    }
}
