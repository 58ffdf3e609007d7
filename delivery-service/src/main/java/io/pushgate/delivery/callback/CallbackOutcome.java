package io.pushgate.delivery.callback;

import io.pushgate.api.problem.CallbackProblems;
import java.net.URI;
import org.springframework.http.HttpStatus;

/** How a callback ended: its answer's status and, for an error, its problem type. */
enum CallbackOutcome {
    ACCEPTED(HttpStatus.ACCEPTED, null, null),
    DUPLICATE(HttpStatus.OK, null, null),
    BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, CallbackProblems.BODY_TOO_LARGE, "Callback body too large"),
    UNSUPPORTED_MEDIA_TYPE(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE, CallbackProblems.UNSUPPORTED_MEDIA_TYPE, "Callback body is not JSON"),
    UNKNOWN_KEY(HttpStatus.NOT_FOUND, CallbackProblems.UNKNOWN_CALLBACK_KEY, "Unknown callback key"),
    METHOD_NOT_ALLOWED(
            HttpStatus.METHOD_NOT_ALLOWED, CallbackProblems.METHOD_NOT_ALLOWED, "Callback URLs take POST only"),
    INVALID_SIGNATURE(HttpStatus.UNAUTHORIZED, CallbackProblems.INVALID_SIGNATURE, "Invalid X-hmac signature"),
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, CallbackProblems.MALFORMED_JSON, "Malformed JSON"),
    INVALID_EVENT(HttpStatus.BAD_REQUEST, CallbackProblems.INVALID_EVENT, "Invalid AXP event"),
    STORAGE_UNAVAILABLE(
            HttpStatus.SERVICE_UNAVAILABLE, CallbackProblems.STORAGE_UNAVAILABLE, "Event storage unavailable"),
    CONFIGURATION_UNUSABLE(
            HttpStatus.SERVICE_UNAVAILABLE, CallbackProblems.CONFIGURATION_UNUSABLE, "Configuration secret unreadable");

    private final HttpStatus status;
    private final URI type;
    private final String title;
    private final String tag;

    CallbackOutcome(HttpStatus status, URI type, String title) {
        this.status = status;
        this.type = type;
        this.title = title;
        this.tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    HttpStatus status() {
        return status;
    }

    URI type() {
        return type;
    }

    String title() {
        return title;
    }

    /** The name in metrics and logs, e.g. {@code invalid_signature}. */
    String tag() {
        return tag;
    }

    boolean asksToRetryLater() {
        return status == HttpStatus.SERVICE_UNAVAILABLE;
    }
}
