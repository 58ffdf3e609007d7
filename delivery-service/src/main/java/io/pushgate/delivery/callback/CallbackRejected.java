package io.pushgate.delivery.callback;

/** A callback ends with an error answer: its outcome and what this occurrence's {@code detail} says. */
final class CallbackRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallbackOutcome outcome;

    CallbackRejected(CallbackOutcome outcome, String detail) {
        super(detail, null, false, false);
        this.outcome = outcome;
    }

    CallbackOutcome outcome() {
        return outcome;
    }
}
