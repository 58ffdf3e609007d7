package io.pushgate.delivery.credential;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/credentials/{id}:test} ({@link CredentialRoutes}), for a tenant's owners and admins
 * (scope {@code tenant.write}, checked by the security chain): 200 with a {@link ConnectionTest}
 * whatever the provider answered; a credential of another tenant is a 404 like a missing one. The
 * body, if any, is not read. Each test is logged (tenant, credential, member, outcome), never the
 * credential's material.
 */
@Component
class CredentialEndpoints {

    private static final Logger log = LoggerFactory.getLogger(CredentialEndpoints.class);

    private final ConnectionTests tests;

    CredentialEndpoints(ConnectionTests tests) {
        this.tests = tests;
    }

    Mono<ServerResponse> test(ServerRequest request) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.write is required")))
                .flatMap(caller -> {
                    UUID id = id(request.pathVariable("id"));
                    return tests.test(caller.tenantId(), id)
                            .switchIfEmpty(Mono.error(CredentialEndpoints::notFound))
                            .doOnNext(test -> log.info(
                                    "Credential tested: tenant={} credential={} by={} outcome={}",
                                    caller.tenantId(),
                                    id,
                                    caller.subject(),
                                    test.outcome()));
                })
                .flatMap(test -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(test))
                .onErrorResume(error -> problem(request, error));
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            throw notFound();
        }
    }

    private static ApiRejected notFound() {
        return ApiRejected.notFound("no such credential");
    }

    private static Mono<ServerResponse> problem(ServerRequest request, Throwable error) {
        if (error instanceof ApiRejected rejected) {
            return Problems.answer(rejected);
        }
        log.warn("{} {} failed: {}", request.method(), request.path(), error.toString());
        return Problems.answer(new ApiRejected(
                DeliveryApiProblem.CREDENTIALS_UNAVAILABLE, "the credential could not be read; try again later"));
    }
}
