package io.pushgate.api.problem;

import java.net.URI;

/**
 * The problem {@code type} URIs of {@code POST /axp/callbacks/{callbackKey}}, one per kind of error.
 * They are stable: AXP operators, the load simulator and the portal match on them. Each answer's
 * {@code detail} explains the occurrence; the {@code type} never changes with it.
 */
public final class CallbackProblems {

    /** The base of every Pushgate problem type. */
    public static final String BASE = "https://pushgate.io/problems/";

    /** 413: the body is larger than the callback's size cap (64 KiB). */
    public static final URI BODY_TOO_LARGE = URI.create(BASE + "callback-body-too-large");

    /** 415: the body is not declared as {@code application/json} (UTF-8). */
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "callback-unsupported-media-type");

    /**
     * 404: no configuration has this callback key, or its configuration is disabled (also for a
     * path under {@code /axp/callbacks/} that is no callback URL at all).
     */
    public static final URI UNKNOWN_CALLBACK_KEY = URI.create(BASE + "callback-unknown-key");

    /** 405 with {@code Allow: POST}: a callback URL was called with another method. */
    public static final URI METHOD_NOT_ALLOWED = URI.create(BASE + "callback-method-not-allowed");

    /** 401: the {@code X-hmac} header is missing, malformed, or not the signature of this event. */
    public static final URI INVALID_SIGNATURE = URI.create(BASE + "callback-invalid-signature");

    /** 400: the body is not one well-formed JSON object. */
    public static final URI MALFORMED_JSON = URI.create(BASE + "callback-malformed-json");

    /** 400: the JSON object breaks the event's rules (a field missing, of a wrong type or too long). */
    public static final URI INVALID_EVENT = URI.create(BASE + "callback-invalid-event");

    /**
     * 503 with {@code Retry-After}: the event could not be stored durably in time (database
     * unavailable, too slow, or the ingress overloaded). Nothing was acknowledged.
     */
    public static final URI STORAGE_UNAVAILABLE = URI.create(BASE + "callback-storage-unavailable");

    /**
     * 503 with {@code Retry-After}: the configuration exists but its secret cannot be read (the
     * keyset misses its key); an operator must fix the keyset.
     */
    public static final URI CONFIGURATION_UNUSABLE = URI.create(BASE + "callback-configuration-unusable");

    private CallbackProblems() {}
}
