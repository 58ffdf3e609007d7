package io.pushgate.delivery.callback;

import io.pushgate.api.problem.CallbackProblem;
import java.util.Locale;
import org.springframework.http.HttpStatus;

/**
 * How a callback ended, as its metrics and its log line name it: accepted, a duplicate, one of the
 * problems, or the client gone before its answer.
 */
enum CallbackOutcome {
    ACCEPTED(HttpStatus.ACCEPTED, null),
    DUPLICATE(HttpStatus.OK, null),
    BODY_TOO_LARGE(CallbackProblem.BODY_TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE(CallbackProblem.UNSUPPORTED_MEDIA_TYPE),
    UNKNOWN_KEY(CallbackProblem.UNKNOWN_CALLBACK_KEY),
    METHOD_NOT_ALLOWED(CallbackProblem.METHOD_NOT_ALLOWED),
    INVALID_SIGNATURE(CallbackProblem.INVALID_SIGNATURE),
    MALFORMED_JSON(CallbackProblem.MALFORMED_JSON),
    INVALID_EVENT(CallbackProblem.INVALID_EVENT),
    RATE_LIMITED(CallbackProblem.RATE_LIMITED),
    STORAGE_UNAVAILABLE(CallbackProblem.STORAGE_UNAVAILABLE),
    CONFIGURATION_UNUSABLE(CallbackProblem.CONFIGURATION_UNUSABLE),
    /**
     * The client closed or reset the connection before the answer, and the callback was not stored (its
     * body unread or half sent, or its store not begun or failed): nobody is left to answer, so it has
     * no status. One whose store committed is {@link #ACCEPTED} or a {@link #DUPLICATE} all the same.
     */
    CLIENT_DISCONNECTED(null, null);

    private final HttpStatus status;
    private final CallbackProblem problem;
    private final String tag;

    CallbackOutcome(CallbackProblem problem) {
        this(HttpStatus.valueOf(problem.status()), problem);
    }

    CallbackOutcome(HttpStatus status, CallbackProblem problem) {
        this.status = status;
        this.problem = problem;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /** The outcome of a callback that ended with {@code problem}. */
    static CallbackOutcome of(CallbackProblem problem) {
        for (CallbackOutcome outcome : values()) {
            if (outcome.problem != null && outcome.problem == problem) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("no outcome for " + problem);
    }

    /** The answer's status; null for {@link #CLIENT_DISCONNECTED}, which has no answer. */
    HttpStatus status() {
        return status;
    }

    /** The name in metrics and logs, e.g. {@code invalid_signature}. */
    String tag() {
        return tag;
    }
}
