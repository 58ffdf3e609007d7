package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblem;
import java.util.Collection;
import java.util.Map;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A request that cannot even be read into the endpoint's arguments answers as every other 400 of
 * the API does: a body field or query parameter of the wrong type, or a missing parameter, is
 * {@link ControlPlaneProblem#INVALID_FIELD} naming it in {@code field}; a body that is missing or
 * not JSON is {@link ControlPlaneProblem#MALFORMED_REQUEST}. Values are never echoed.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnreadableRequestAdvice {

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> unreadable(ServerWebInputException e) {
        return ResponseEntity.status(HttpStatusCode.valueOf(400))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(describe(e).getBody());
    }

    static ApiRejected describe(ServerWebInputException e) {
        if (e instanceof MissingRequestValueException missing) {
            return ApiRejected.invalidField(missing.getName(), "is required");
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException json) {
                String field = path(json);
                if (field.isEmpty()) {
                    return new ApiRejected(
                            ControlPlaneProblem.MALFORMED_REQUEST,
                            json instanceof MismatchedInputException
                                    ? "the request body must be a JSON object"
                                    : "the request body is not valid JSON");
                }
                return ApiRejected.invalidField(
                        field,
                        json instanceof MismatchedInputException mismatched
                                ? expected(mismatched.getTargetType())
                                : "is not valid JSON");
            }
            if (cause instanceof TypeMismatchException mismatch && e.getMethodParameter() != null) {
                return ApiRejected.invalidField(
                        e.getMethodParameter().getParameterName(), expected(mismatch.getRequiredType()));
            }
        }
        return new ApiRejected(ControlPlaneProblem.MALFORMED_REQUEST, "a JSON request body is required");
    }

    /** The JSON path of the value that could not be read, e.g. {@code notificationTemplate.title}. */
    private static String path(JacksonException json) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "must be a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
            return "must be a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "must be an object";
        }
        return "has the wrong type";
    }
}
