package io.pushgate.delivery.callbacklog;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.apidoc.Query;
import io.pushgate.delivery.apidoc.QueryParameter;
import io.pushgate.delivery.configuration.SecretRotation;
import io.pushgate.delivery.configuration.TenantConfigurations;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/configurations/{id}/refused-callbacks} (newest first, paged by {@code cursor} and
 * {@code limit}) and {@code GET /v1/configurations/{id}/secret-usage} ({@link CallbackLogRoutes}), for
 * a tenant's members (scope {@code tenant.read}, checked by the security chain). A configuration of
 * another tenant is a 404 exactly like one that does not exist.
 */
@Component
class CallbackLogEndpoints {

    private static final Logger log = LoggerFactory.getLogger(CallbackLogEndpoints.class);

    private static final QueryParameter CURSOR = QueryParameter.cursor();
    private static final QueryParameter LIMIT = QueryParameter.limit(RefusedCallbacks.MAX_LIMIT);

    /** The query parameters of {@code GET /v1/configurations/{id}/refused-callbacks}. */
    static final List<QueryParameter> REFUSED_CALLBACKS_QUERY = List.of(CURSOR, LIMIT);

    private final TenantConfigurations configurations;
    private final RefusedCallbacks refused;
    private final SecretUsage usage;
    private final CallbackLogSettings settings;

    CallbackLogEndpoints(
            TenantConfigurations configurations,
            RefusedCallbacks refused,
            SecretUsage usage,
            CallbackLogSettings settings) {
        this.configurations = configurations;
        this.refused = refused;
        this.usage = usage;
        this.settings = settings;
    }

    Mono<ServerResponse> refusedCallbacks(ServerRequest request, Query query) {
        return forConfiguration(request, (rotation, tenant) -> {
            int limit = limit(query);
            String cursor = query.first(CURSOR).orElse(null);
            try {
                return refused.page(tenant, rotation.configurationId(), cursor, limit);
            } catch (IllegalArgumentException e) {
                throw ApiRejected.invalidField("cursor", e.getMessage());
            }
        });
    }

    Mono<ServerResponse> secretUsage(ServerRequest request) {
        return forConfiguration(request, (rotation, tenant) -> usage.of(rotation));
    }

    /** The caller's configuration of the path, then {@code read}; a 404 when the caller's tenant has none such. */
    private Mono<ServerResponse> forConfiguration(
            ServerRequest request, BiFunction<SecretRotation, UUID, Mono<?>> read) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.read is required")))
                .flatMap(caller -> {
                    UUID id = id(request.pathVariable("id"));
                    return configurations
                            .rotation(caller.tenantId(), id)
                            .flatMap(found -> found.<Mono<?>>map(rotation -> read.apply(rotation, caller.tenantId()))
                                    .orElseGet(() -> Mono.error(notFound())));
                })
                .timeout(settings.readTimeout())
                .flatMap(body -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body))
                .onErrorResume(error -> problem(request, error));
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            throw notFound();
        }
    }

    private static int limit(Query query) {
        String value = query.first(LIMIT).orElse(null);
        if (value == null) {
            return RefusedCallbacks.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= RefusedCallbacks.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiRejected.invalidField("limit", "must be a whole number from 1 to " + RefusedCallbacks.MAX_LIMIT);
    }

    private static ApiRejected notFound() {
        return ApiRejected.notFound("no such configuration");
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
                DeliveryApiProblem.CALLBACK_LOG_UNAVAILABLE,
                "the callback log could not be read; try again later",
                settings.retryAfter()));
    }
}
