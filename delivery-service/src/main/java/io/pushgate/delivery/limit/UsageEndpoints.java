package io.pushgate.delivery.limit;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage} ({@link UsageRoutes}), for a tenant's members (scope {@code tenant.read},
 * checked by the security chain): the caller's tenant's {@link LimitUsage.Usage}, never cached.
 */
@Component
class UsageEndpoints {

    private static final Logger log = LoggerFactory.getLogger(UsageEndpoints.class);
    /** What a 503's {@code Retry-After} says: a plan is read again on the next call. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final LimitUsage usage;

    UsageEndpoints(LimitUsage usage) {
        this.usage = usage;
    }

    Mono<ServerResponse> usage(ServerRequest request) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.read is required")))
                .flatMap(caller -> usage.of(caller.tenantId()))
                .flatMap(answer -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("Cache-Control", "no-store")
                        .bodyValue(answer))
                .onErrorResume(error -> {
                    if (error instanceof ApiRejected rejected) {
                        return Problems.answer(rejected);
                    }
                    log.warn("{} {} failed: {}", request.method(), request.path(), error.toString());
                    return Problems.answer(ApiRejected.retryLater(
                            DeliveryApiProblem.PLANS_UNAVAILABLE,
                            "the plan could not be read; try again later",
                            RETRY_AFTER));
                });
    }
}
