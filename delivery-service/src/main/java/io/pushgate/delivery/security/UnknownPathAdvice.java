package io.pushgate.delivery.security;

import io.pushgate.api.problem.DeliveryApiProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * A path no route serves ({@code GET /nothing}) is a 404 {@link DeliveryApiProblem#NOT_FOUND} like
 * every other refusal, not WebFlux's problem without a type (no route matched, so no handler of ours
 * answers; WebFlux's dispatcher hands its error to the controller advices). Any other status
 * WebFlux answers by itself keeps its own problem.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnknownPathAdvice {

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> unrouted(ResponseStatusException e) {
        if (e.getStatusCode().value() != DeliveryApiProblem.NOT_FOUND.status()) {
            return ResponseEntity.status(e.getStatusCode())
                    .headers(e.getHeaders())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(e.getBody());
        }
        return ResponseEntity.status(e.getStatusCode())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.body(DeliveryApiProblem.NOT_FOUND, "there is nothing at this path"));
    }
}
