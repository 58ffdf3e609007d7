package io.pushgate.delivery.security;

import io.pushgate.api.problem.DeliveryApiProblem;
import java.time.Duration;

/**
 * A call to delivery-service's API (registrations, the read API) ends with an error answer: its kind,
 * this occurrence's detail, and the field at fault; {@link Problems#answer} writes it.
 */
public final class ApiRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient DeliveryApiProblem kind;
    private final String field;
    private final transient Duration retryAfter;

    public ApiRejected(DeliveryApiProblem kind, String detail) {
        this(kind, detail, null, null);
    }

    private ApiRejected(DeliveryApiProblem kind, String detail, String field, Duration retryAfter) {
        super(detail, null, false, false);
        this.kind = kind;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static ApiRejected invalidField(String field, String detail) {
        return new ApiRejected(DeliveryApiProblem.INVALID_FIELD, field + ": " + detail, field, null);
    }

    public static ApiRejected notFound(String detail) {
        return new ApiRejected(DeliveryApiProblem.NOT_FOUND, detail);
    }

    public static ApiRejected retryLater(DeliveryApiProblem kind, String detail, Duration retryAfter) {
        return new ApiRejected(kind, detail, null, retryAfter);
    }

    public DeliveryApiProblem kind() {
        return kind;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }

    /** What {@code Retry-After} says, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
