package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblems;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 answer of one of the {@link ControlPlaneProblems}: thrown or signalled, never logged as an error. */
public final class ApiProblem extends ErrorResponseException {

    private static final long serialVersionUID = 1L;

    private ApiProblem(ControlPlaneProblems kind, String detail) {
        super(HttpStatusCode.valueOf(kind.status()), body(kind, detail), null);
    }

    public static ApiProblem of(ControlPlaneProblems kind, String detail) {
        return new ApiProblem(kind, detail);
    }

    /** 400 naming {@code field}: missing or invalid. */
    public static ApiProblem invalidField(String field, String detail) {
        ApiProblem problem = new ApiProblem(ControlPlaneProblems.INVALID_FIELD, field + ": " + detail);
        problem.getBody().setProperty("field", field);
        return problem;
    }

    /** 404 for an id that does not exist or belongs to another tenant: the two are indistinguishable. */
    public static ApiProblem notFound(String what) {
        return new ApiProblem(ControlPlaneProblems.NOT_FOUND, "no such " + what);
    }

    /** The problem body of {@code kind}, for answers written outside controllers. */
    public static ProblemDetail body(ControlPlaneProblems kind, String detail) {
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
