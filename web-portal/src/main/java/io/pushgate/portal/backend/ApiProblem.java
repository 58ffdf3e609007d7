package io.pushgate.portal.backend;

import java.net.URI;

/**
 * A problem answer (RFC 9457) of a backend service, or a backend that did not answer at all
 * ({@link #UNAVAILABLE}). Pages show {@link #message()} next to the field it names.
 */
public final class ApiProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@code type} of a backend that did not answer in time, or not with a problem. */
    public static final String UNAVAILABLE = "https://pushgate.io/problems/portal-backend-unavailable";

    private final int status;
    private final String type;
    private final String field;
    private final String detail;
    private final Long retryAfterSeconds;

    public ApiProblem(int status, String type, String field, String detail, Long retryAfterSeconds) {
        super(status + " " + type + (field == null ? "" : " (" + field + ")"));
        this.status = status;
        this.type = type;
        this.field = field;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiProblem unavailable(String service) {
        return new ApiProblem(
                503, UNAVAILABLE, null, service + " does not answer right now; try again in a moment", null);
    }

    public int status() {
        return status;
    }

    /** The problem's {@code type} URI. */
    public String type() {
        return type;
    }

    /** The last segment of {@link #type()}, e.g. {@code invalid-field}. */
    public String kind() {
        return type == null ? "" : URI.create(type).getPath().replaceFirst(".*/", "");
    }

    /** The field the problem names ({@code field} of the answer), or null. */
    public String field() {
        return field;
    }

    /** The answer's {@code detail} without the field name it may start with ("name: is required" → "is required"). */
    public String message() {
        if (detail == null || detail.isBlank()) {
            return "the request was refused (" + status + ")";
        }
        if (field != null && detail.startsWith(field + ": ")) {
            return detail.substring(field.length() + 2);
        }
        return detail;
    }

    /** The {@code detail} as sent. */
    public String detail() {
        return detail;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
