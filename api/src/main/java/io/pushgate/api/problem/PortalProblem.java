package io.pushgate.api.problem;

import java.net.URI;

/**
 * The problems web-portal answers as {@code application/problem+json}: only what its HTTP decoder
 * refuses before any page sees the request ({@link io.pushgate.api.http.MalformedRequestRefusal}); the
 * portal's pages answer a person with pages. Each carries the same {@code type} URI as the services'
 * kind of that name.
 */
public enum PortalProblem implements ProblemKind {
    /**
     * A request that is not well-formed HTTP/1.1 (a control character or bare line break in a header, two
     * {@code Content-Length}s that disagree), which the HTTP decoder refuses; the connection is closed
     * after the answer, which never repeats the request's text.
     */
    REQUEST_REJECTED(400, "request-rejected", "The request was rejected as malformed or unsafe"),
    /** A request line longer than the HTTP server reads; the connection is closed after the answer. */
    REQUEST_LINE_TOO_LONG(414, "request-line-too-long", "The request line is too long"),
    /** A header block larger than the HTTP server reads; the connection is closed after the answer. */
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
    HTTP_VERSION_NOT_SUPPORTED(505, "http-version-not-supported", "The HTTP version is not supported");

    private final int status;
    private final URI type;
    private final String title;

    PortalProblem(int status, String slug, String title) {
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
