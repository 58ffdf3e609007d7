package io.pushgate.api.problem;

import java.net.URI;

/**
 * The problems of delivery-service's API (device registrations, the delivery read API, the sandbox and
 * credential tests under {@code /v1/}, the Avaya aliases under {@code /custom-notification-connector/}; the callback
 * URL has its own, {@link CallbackProblem}). Kinds that tenant-service answers too (unauthenticated,
 * forbidden, not found, invalid field) carry the same {@code type} URI there and here.
 */
public enum DeliveryApiProblem implements ProblemKind {
    /** A field of the request (or the device token in the path) is missing or invalid; {@code field} names it. */
    INVALID_FIELD(400, "invalid-field", "A field is missing or invalid"),
    /** The body is not one well-formed JSON object. */
    MALFORMED_JSON(400, "malformed-json", "The body is not well-formed JSON"),
    /**
     * Refused before any route saw it: a method the service does not take at all (e.g. {@code TRACE}),
     * an encoded slash, period, percent or NUL, a semicolon or backslash in the path (Spring Security's
     * firewall); or a request that is not well-formed HTTP/1.1 (a control character or bare line break
     * in a header, two {@code Content-Length}s that disagree), which the HTTP decoder refuses and
     * {@link io.pushgate.api.http.MalformedRequestRefusal} answers, closing the connection. The answer
     * never repeats the request's text.
     */
    REQUEST_REJECTED(400, "request-rejected", "The request was rejected as malformed or unsafe"),
    /**
     * A request line (method, URL, version) longer than the HTTP server reads, refused before any route
     * saw it; the connection is closed after the answer.
     */
    REQUEST_LINE_TOO_LONG(414, "request-line-too-long", "The request line is too long"),
    /**
     * A header block larger than the HTTP server reads, refused before any route saw it; the connection
     * is closed after the answer.
     */
    HEADERS_TOO_LARGE(431, "request-headers-too-large", "The request headers are too large"),
    /**
     * A chunked request body whose framing the HTTP decoder cannot read (a chunk size that is no hex
     * number, a malformed chunk extension, a chunk not ended by CRLF), answered by {@link
     * io.pushgate.api.http.MalformedRequestRefusal} in place of the service's answer when the service
     * has not begun one; the connection is closed after the answer.
     */
    CHUNKED_BODY_MALFORMED(400, "chunked-body-malformed", "The chunked request body cannot be read"),
    /**
     * A request line naming a major version of HTTP other than 1 (e.g. {@code HTTP/2.0} on this
     * HTTP/1.1 port), refused before any route saw it; the connection is closed after the answer.
     */
    HTTP_VERSION_NOT_SUPPORTED(505, "http-version-not-supported", "The HTTP version is not supported"),
    /**
     * No valid bearer token (missing, expired, not yet valid, wrong issuer, audience or signature), or
     * none was sent for a configuration that takes no open registrations. Comes with {@code
     * WWW-Authenticate: Bearer} (RFC 6750).
     */
    UNAUTHENTICATED(401, "unauthenticated", "A valid bearer token is required"),
    /** The token is valid but lacks the scope this action needs. */
    FORBIDDEN(403, "forbidden", "The token's scopes do not allow this action"),
    /**
     * No such configuration or registration for the caller's tenant: a configuration of another tenant
     * and one that does not exist get the same answer.
     */
    NOT_FOUND(404, "not-found", "No such resource"),
    /**
     * A method the resource does not take (e.g. {@code PATCH} or {@code OPTIONS} on a device registration);
     * comes with {@code Allow}.
     */
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "The resource does not take this method"),
    /**
     * A re-send of a notification that did not end without reaching the device: it is still under way
     * (another re-send may have just started it) or was delivered. Only {@code failed}, {@code expired},
     * {@code no_device} and {@code token_invalid} can be re-sent.
     */
    NOT_RESENDABLE(409, "notification-not-resendable", "The notification cannot be re-sent now"),
    /** The request body exceeds the size limit. */
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
    /** The body is not declared as JSON. */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The body must be application/json"),
    /**
     * Too many calls of the registration API: over the tenant's plan ({@code registrationsPerSecond}),
     * over one app client's or issuer subject's share of it, or, without a token, from this address or
     * for this configuration. Comes with {@code Retry-After} and {@code RateLimit-*}; nothing was stored.
     */
    RATE_LIMITED(429, "registration-rate-limited", "Too many registrations"),
    /** The registration store could not be read or written in time; see {@code Retry-After}. */
    UNAVAILABLE(503, "registration-store-unavailable", "Registrations are unavailable"),
    /** Notifications or their statistics could not be read in time; see {@code Retry-After}. */
    NOTIFICATIONS_UNAVAILABLE(503, "notification-store-unavailable", "Notifications are unavailable"),
    /** The sandbox's FCM emulator is not configured or does not answer; see {@code Retry-After}. */
    SANDBOX_UNAVAILABLE(503, "sandbox-unavailable", "The sandbox is unavailable"),
    /** The credential to test could not be read (the database failed); a provider's answer is never this. */
    CREDENTIALS_UNAVAILABLE(503, "credential-store-unavailable", "Credentials are unavailable"),
    /** A configuration's refused callbacks or secret usage could not be read in time; see {@code Retry-After}. */
    CALLBACK_LOG_UNAVAILABLE(503, "callback-log-unavailable", "The callback log is unavailable"),
    /** What needs a tenant's attention ({@code GET /v1/attention}) could not be read in time. */
    ATTENTION_UNAVAILABLE(503, "attention-unavailable", "What needs attention is unavailable"),
    /** The tenant's plan, whose limits {@code GET /v1/usage} reads, could not be read (the database failed). */
    PLANS_UNAVAILABLE(503, "plan-store-unavailable", "Plans are unavailable");

    private final int status;
    private final URI type;
    private final String title;

    DeliveryApiProblem(int status, String slug, String title) {
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
