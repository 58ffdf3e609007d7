package io.pushgate.delivery.callback;

import io.pushgate.api.problem.CallbackProblem;

/** A callback ends with an error answer: its kind of problem and what this occurrence's {@code detail} says. */
final class CallbackRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallbackProblem kind;
    private final long retryAfterSeconds;

    CallbackRejected(CallbackProblem kind, String detail) {
        this(kind, detail, 0);
    }

    /** With the {@code Retry-After} of this occurrence, in seconds (0: the kind's own, if it has one). */
    CallbackRejected(CallbackProblem kind, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    CallbackProblem kind() {
        return kind;
    }

    /** This occurrence's {@code Retry-After} in seconds, or 0 when it sets none of its own. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** How the callback ended, for its metrics and log line. */
    CallbackOutcome outcome() {
        return CallbackOutcome.of(kind);
    }
}
