package io.pushgate.tenant.platform;

import io.pushgate.api.problem.ControlPlaneProblem;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A handler's {@link Caller} argument, from the authenticated platform token and the request: an
 * endpoint names {@code Caller caller} and never reads the token itself. The security chain lets
 * no request without a token reach such a handler; should one arrive all the same, it answers 401
 * as the chain would.
 */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(
            MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        return Caller.of(exchange)
                .<Object>map(caller -> caller)
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        ControlPlaneProblem.UNAUTHENTICATED, "a valid platform bearer token is required")));
    }
}
