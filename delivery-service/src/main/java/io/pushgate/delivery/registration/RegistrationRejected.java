package io.pushgate.delivery.registration;

import io.pushgate.api.problem.DeliveryApiProblems;
import java.time.Duration;

/** A registration call ends with an error answer: its kind, this occurrence's detail, and the field at fault. */
final class RegistrationRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient DeliveryApiProblems kind;
    private final String field;
    private final transient Duration retryAfter;

    RegistrationRejected(DeliveryApiProblems kind, String detail) {
        this(kind, detail, null, null);
    }

    private RegistrationRejected(DeliveryApiProblems kind, String detail, String field, Duration retryAfter) {
        super(detail, null, false, false);
        this.kind = kind;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    static RegistrationRejected invalidField(String field, String detail) {
        return new RegistrationRejected(DeliveryApiProblems.INVALID_FIELD, field + ": " + detail, field, null);
    }

    static RegistrationRejected notFound(String detail) {
        return new RegistrationRejected(DeliveryApiProblems.NOT_FOUND, detail);
    }

    static RegistrationRejected retryLater(DeliveryApiProblems kind, String detail, Duration retryAfter) {
        return new RegistrationRejected(kind, detail, null, retryAfter);
    }

    DeliveryApiProblems kind() {
        return kind;
    }

    /** The request field at fault, or {@code null}. */
    String field() {
        return field;
    }

    /** What {@code Retry-After} says, or {@code null}. */
    Duration retryAfter() {
        return retryAfter;
    }
}
