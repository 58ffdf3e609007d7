package io.pushgate.delivery.security;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.api.problem.ProblemKind;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The RFC 9457 bodies of delivery-service's answers, and the RFC 6750 challenge of an API's 401. */
public final class Problems {

    /** {@code WWW-Authenticate} of a 401 for a request that carried no token (RFC 6750 §3: no error code). */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"pushgate\"";

    private Problems() {}

    /**
     * The answer to a rejected API call: its problem body (with {@code field} for a 400), the RFC
     * 6750 challenge on a 401, {@code Retry-After} when the rejection says when to come back.
     */
    public static Mono<ServerResponse> answer(ApiRejected rejected) {
        ProblemDetail body = body(rejected.kind(), rejected.getMessage());
        if (rejected.field() != null) {
            body.setProperty("field", rejected.field());
        }
        ServerResponse.BodyBuilder response =
                ServerResponse.status(rejected.kind().status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (rejected.kind() == DeliveryApiProblem.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (rejected.kind() == DeliveryApiProblem.PAYLOAD_TOO_LARGE) {
            // the rest of the body is never read: close the connection after this answer, or the
            // server would go on reading and discarding whatever the client still sends
            response.header(HttpHeaders.CONNECTION, "close");
        }
        Duration retryAfter = rejected.retryAfter();
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        return response.bodyValue(body);
    }

    /** The problem body of {@code kind} with this occurrence's {@code detail}. */
    public static ProblemDetail body(ProblemKind kind, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(kind.status()), detail);
        body.setType(kind.type());
        body.setTitle(kind.title());
        return body;
    }

    /** {@code WWW-Authenticate} with an RFC 6750 error code and description (quoted-string safe). */
    static String challenge(String error, String description, String scope) {
        StringBuilder challenge = new StringBuilder(BEARER_CHALLENGE)
                .append(", error=\"")
                .append(error)
                .append('"');
        if (description != null && !description.isBlank()) {
            challenge.append(", error_description=\"").append(safe(description)).append('"');
        }
        if (scope != null) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        return challenge.toString();
    }

    /** RFC 6750 allows %x20-21 / %x23-5B / %x5D-7E in error_description: anything else becomes a space. */
    static String safe(String text) {
        int length = Math.min(text.length(), 200);
        StringBuilder safe = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            safe.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : ' ');
        }
        return safe.toString();
    }
}
