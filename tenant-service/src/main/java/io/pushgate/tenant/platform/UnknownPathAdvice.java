package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * A path no endpoint serves ({@code GET /v1/nothing}, {@code GET /docs/nothing}) is a 404 {@link
 * ControlPlaneProblem#NOT_FOUND} like every other refusal, not WebFlux's problem without a type. Any
 * other status WebFlux answers by itself keeps its own problem; the advices that name a narrower
 * exception ({@link UnreadableRequestAdvice}, {@link TooLargeAdvice}) come first.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class UnknownPathAdvice {

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> unrouted(ResponseStatusException e) {
        if (e.getStatusCode().value() != ControlPlaneProblem.NOT_FOUND.status()) {
            return ResponseEntity.status(e.getStatusCode())
                    .headers(e.getHeaders())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(e.getBody());
        }
        return ResponseEntity.status(e.getStatusCode())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ApiRejected.body(ControlPlaneProblem.NOT_FOUND, "there is nothing at this path"));
    }
}
