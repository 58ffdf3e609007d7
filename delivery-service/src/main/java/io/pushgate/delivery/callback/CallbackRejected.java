package io.pushgate.delivery.callback;

import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.delivery.callbacklog.RefusalReason;

/**
 * A callback ends with an error answer: its kind of problem, what this occurrence's {@code detail}
 * says, and why the refused-callback log says it was refused (when it is one AXP's set-up can cause).
 */
final class CallbackRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallbackProblem kind;
    private final long retryAfterSeconds;
    private final transient RefusalReason reason;
    private final String field;

    CallbackRejected(CallbackProblem kind, String detail) {
        this(kind, detail, 0);
    }

    /** With the {@code Retry-After} of this occurrence, in seconds (0: the kind's own, if it has one). */
    CallbackRejected(CallbackProblem kind, String detail, long retryAfterSeconds) {
        this(kind, detail, retryAfterSeconds, reasonOf(kind), null);
    }

    /** With the refused-callback log's reason and, for a malformed event, the field at fault (or {@code null}). */
    CallbackRejected(CallbackProblem kind, String detail, RefusalReason reason, String field) {
        this(kind, detail, 0, reason, field);
    }

    private CallbackRejected(
            CallbackProblem kind, String detail, long retryAfterSeconds, RefusalReason reason, String field) {
        super(detail, null, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
        this.reason = reason;
        this.field = field;
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

    /**
     * Why the refused-callback log says it was refused, or {@code null} when it does not log it (a
     * limit, an outage, an unknown key: nothing in AXP's set-up of a known configuration to fix).
     */
    RefusalReason reason() {
        return reason;
    }

    /** The field at fault of a malformed event, or {@code null}. */
    String field() {
        return field;
    }

    /**
     * A kind's reason when the occurrence names none more precise: a signature that does not verify is
     * a mismatch unless said otherwise (missing, malformed, the expired previous secret).
     */
    static RefusalReason reasonOf(CallbackProblem kind) {
        return switch (kind) {
            case BODY_TOO_LARGE -> RefusalReason.TOO_LARGE;
            case UNSUPPORTED_MEDIA_TYPE -> RefusalReason.UNSUPPORTED_MEDIA_TYPE;
            case INVALID_SIGNATURE -> RefusalReason.SIGNATURE_MISMATCH;
            case MALFORMED_JSON, INVALID_EVENT -> RefusalReason.MALFORMED_EVENT;
            case UNKNOWN_CALLBACK_KEY, METHOD_NOT_ALLOWED, RATE_LIMITED, STORAGE_UNAVAILABLE, CONFIGURATION_UNUSABLE ->
                null;
        };
    }
}
