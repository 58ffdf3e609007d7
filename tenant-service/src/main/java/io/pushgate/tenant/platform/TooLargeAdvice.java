package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;

/**
 * A body larger than {@code pushgate.max-request-size} (the codecs' in-memory limit) answers 413 as
 * {@link ControlPlaneProblem#PAYLOAD_TOO_LARGE}. The connection stays open: the server skips the
 * unread rest of the body before it reads the next request. (Closing it instead made a client still
 * sending its body lose the answer now and then: the close resets the connection under it.)
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class TooLargeAdvice {

    private final PlatformSettings settings;

    TooLargeAdvice(PlatformSettings settings) {
        this.settings = settings;
    }

    @ExceptionHandler(ContentTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(ContentTooLargeException e) {
        return ResponseEntity.status(HttpStatusCode.valueOf(413))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ApiRejected.body(
                        ControlPlaneProblem.PAYLOAD_TOO_LARGE,
                        "the request body exceeds " + settings.maxRequestSize().toKilobytes() + " KiB"));
    }
}
