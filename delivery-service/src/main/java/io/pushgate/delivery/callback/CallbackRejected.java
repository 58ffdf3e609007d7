package io.pushgate.delivery.callback;

import io.pushgate.api.problem.CallbackProblem;

/** A callback ends with an error answer: its kind of problem and what this occurrence's {@code detail} says. */
final class CallbackRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallbackProblem kind;

    CallbackRejected(CallbackProblem kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    CallbackProblem kind() {
        return kind;
    }

    /** How the callback ended, for its metrics and log line. */
    CallbackOutcome outcome() {
        return CallbackOutcome.of(kind);
    }
}
