package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblem;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A call to tenant-service's API ends with an error answer: its {@link ControlPlaneProblem} and this
 * occurrence's {@code detail}, written as RFC 9457 {@code application/problem+json}. Thrown or
 * signalled, it is an answer, not a fault: no stack trace, never logged as an error (the
 * {@code *Rejected} family of {@code io.pushgate.api.problem}).
 */
public final class ApiRejected extends ErrorResponseException {

    private static final long serialVersionUID = 1L;

    public ApiRejected(ControlPlaneProblem kind, String detail) {
        super(HttpStatusCode.valueOf(kind.status()), body(kind, detail), null);
    }

    /** 400 naming {@code field}: missing or invalid. */
    public static ApiRejected invalidField(String field, String detail) {
        ApiRejected rejected = new ApiRejected(ControlPlaneProblem.INVALID_FIELD, field + ": " + detail);
        rejected.getBody().setProperty("field", field);
        return rejected;
    }

    /** 404 for an id that does not exist or belongs to another tenant: the two are indistinguishable. */
    public static ApiRejected notFound(String what) {
        return new ApiRejected(ControlPlaneProblem.NOT_FOUND, "no such " + what);
    }

    /** The problem body of {@code kind}, for answers written outside controllers. */
    public static ProblemDetail body(ControlPlaneProblem kind, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(kind.status()), detail);
        body.setType(kind.type());
        body.setTitle(kind.title());
        return body;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected answer, not a fault: no stack trace to capture
    }
}
