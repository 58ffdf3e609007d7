package io.pushgate.api.problem;

import java.net.URI;

/**
 * The problems of tenant-service's API (the control plane). Kinds that delivery-service answers too
 * (unauthenticated, forbidden, not found, invalid field) carry the same {@code type} URI there and
 * here.
 */
public enum ControlPlaneProblem implements ProblemKind {
    /** A field of the request is missing or invalid; the answer names it in {@code field}. */
    INVALID_FIELD(400, "invalid-field", "A field is missing or invalid"),
    /** Provider credential material does not load; the answer says why, never echoing the key. */
    INVALID_CREDENTIAL_MATERIAL(400, "invalid-credential-material", "The credential material is not usable"),
    /** The request body is missing or is not JSON at all; a field of the wrong type is {@link #INVALID_FIELD}. */
    MALFORMED_REQUEST(400, "malformed-request", "The request body is missing or not JSON"),
    /**
     * Refused before any route saw it: a method the service does not take at all (e.g. {@code TRACE}),
     * an encoded slash, period, percent or NUL, a semicolon or backslash in the path (Spring Security's
     * firewall); or a request that is not well-formed HTTP/1.1 (a control character or bare line break
     * in a header, two {@code Content-Length}s that disagree), which the HTTP decoder refuses and
     * {@link io.pushgate.api.http.MalformedRequestRefusal} answers, closing the connection. The answer
     * never repeats the request's text. The same type as delivery-service's.
     */
    REQUEST_REJECTED(400, "request-rejected", "The request was rejected as malformed or unsafe"),
    /**
     * A request line (method, URL, version) longer than the HTTP server reads, refused before any route
     * saw it; the connection is closed after the answer. The same type as delivery-service's.
     */
    REQUEST_LINE_TOO_LONG(414, "request-line-too-long", "The request line is too long"),
    /**
     * A header block larger than the HTTP server reads, refused before any route saw it; the connection
     * is closed after the answer. The same type as delivery-service's.
     */
    HEADERS_TOO_LARGE(431, "request-headers-too-large", "The request headers are too large"),
    /**
     * A chunked request body whose framing the HTTP decoder cannot read (a chunk size that is no hex
     * number, a malformed chunk extension, a chunk not ended by CRLF), answered by {@link
     * io.pushgate.api.http.MalformedRequestRefusal} in place of the service's answer when the service
     * has not begun one; the connection is closed after the answer. The same type as delivery-service's.
     */
    CHUNKED_BODY_MALFORMED(400, "chunked-body-malformed", "The chunked request body cannot be read"),
    /**
     * A request line naming a major version of HTTP other than 1 (e.g. {@code HTTP/2.0} on this
     * HTTP/1.1 port), refused before any route saw it; the connection is closed after the answer. The same type as delivery-service's.
     */
    HTTP_VERSION_NOT_SUPPORTED(505, "http-version-not-supported", "The HTTP version is not supported"),
    /** The e-mail and password do not match an account (the same answer for an unknown e-mail). */
    SIGN_IN_FAILED(401, "sign-in-failed", "The e-mail or the password is wrong"),
    /**
     * The refresh token is unknown, expired, revoked or already used (which, for a used one, also
     * revoked every token of its sign-in); the same answer for each, so it reveals nothing. Sign in
     * again.
     */
    REFRESH_TOKEN_INVALID(401, "refresh-token-invalid", "The refresh token is not valid"),
    /** No valid bearer token. */
    UNAUTHENTICATED(401, "unauthenticated", "A valid bearer token is required"),
    /** The token is valid but its role or scopes do not allow this action. */
    FORBIDDEN(403, "forbidden", "Your role does not allow this action"),
    /** No such resource for the caller's tenant (also for another tenant's resources). */
    NOT_FOUND(404, "not-found", "No such resource"),
    /** An account with this e-mail already exists (which tenant has it is not revealed). */
    EMAIL_TAKEN(409, "email-taken", "This e-mail cannot be used for a new account"),
    /** The AXP Configuration Id is already used by a configuration (it is unique platform-wide). */
    AXP_CONFIGURATION_ID_TAKEN(409, "axp-configuration-id-taken", "This AXP Configuration Id is already in use"),
    /** The issuer + audience pair is already trusted by a tenant (it belongs to one tenant only). */
    TRUSTED_ISSUER_TAKEN(409, "trusted-issuer-taken", "This issuer and audience are already registered"),
    /** The configuration is disabled: it takes no callbacks, so a test event could not arrive. */
    CONFIGURATION_DISABLED(409, "configuration-disabled", "The configuration is disabled"),
    /**
     * The configuration has no AXP Configuration Id yet, which a device registration names; enter
     * the id AXP shows after saving the configuration there.
     */
    AXP_CONFIGURATION_ID_MISSING(
            409, "axp-configuration-id-missing", "The configuration has no AXP Configuration Id yet"),
    /** The change would leave the tenant without an owner. */
    LAST_OWNER(409, "last-owner", "A tenant keeps at least one owner"),
    /** The request body exceeds the size limit. */
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
    /** Too many failed sign-ins from this address or for this account; {@code Retry-After} says when to retry. */
    SIGN_IN_THROTTLED(429, "sign-in-throttled", "Too many failed sign-ins"),
    /** Too many sign-ups from this address; {@code Retry-After} says when to retry. */
    SIGN_UP_THROTTLED(429, "sign-up-throttled", "Too many sign-ups from this address"),
    /**
     * The tenant's control-plane calls are over its plan's {@code apiCallsPerSecond}; {@code
     * Retry-After} says when to retry, {@code RateLimit-*} what is left.
     */
    API_RATE_LIMITED(429, "api-rate-limited", "Too many control-plane calls");

    private final int status;
    private final URI type;
    private final String title;

    ControlPlaneProblem(int status, String slug, String title) {
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
