package io.pushgate.delivery.attention;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/attention}: what needs the caller's tenant's attention now (scope {@code tenant.read},
 * checked by the security chain); only the caller's tenant's credentials and configurations. A store
 * that fails or does not answer within {@code pushgate.attention.read-timeout} is a 503 {@code
 * attention-unavailable} with {@code Retry-After}.
 */
@Component
class AttentionEndpoints {

    private static final Logger log = LoggerFactory.getLogger(AttentionEndpoints.class);

    private final Attention attention;
    private final AttentionSettings settings;

    AttentionEndpoints(Attention attention, AttentionSettings settings) {
        this.attention = attention;
        this.settings = settings;
    }

    Mono<ServerResponse> attention(ServerRequest request) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.read is required")))
                .flatMap(caller -> attention.of(caller.tenantId()))
                .timeout(settings.readTimeout())
                .flatMap(page -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(page))
                .onErrorResume(error -> problem(request, error));
    }

    private Mono<ServerResponse> problem(ServerRequest request, Throwable error) {
        if (error instanceof ApiRejected rejected) {
            return Problems.answer(rejected);
        }
        log.warn(
                "{} {} failed: {}",
                request.method(),
                request.path(),
                error instanceof TimeoutException ? "no answer within " + settings.readTimeout() : error.toString());
        return Problems.answer(ApiRejected.retryLater(
                DeliveryApiProblem.ATTENTION_UNAVAILABLE,
                "what needs attention could not be read; try again later",
                settings.retryAfter()));
    }
}
