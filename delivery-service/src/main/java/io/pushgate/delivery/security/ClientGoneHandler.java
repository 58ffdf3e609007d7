package io.pushgate.delivery.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.http.ClientGone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * A request whose client closed or reset the connection before its answer ({@link
 * ClientGone#isClientGone}: its body half sent, or its answer no longer writable) is the client's
 * doing, not a fault of ours: nothing is written (nobody is left to read it), one DEBUG line says its
 * method and route (never its path, body or headers: a path may hold a device token, a body a
 * password), and it is counted in {@code pushgate_requests_client_gone_total{route}}. Without it
 * the failure reaches Spring's last handler, which logs it at ERROR with a stack trace as a 500.
 * Every other failure passes on untouched.
 */
@Component
@Order(-2) // before Spring Boot's error handler (-1) and WebFlux's status handler (0)
class ClientGoneHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ClientGoneHandler.class);

    private final MeterRegistry meters;

    ClientGoneHandler(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!ClientGone.isClientGone(error)) {
            return Mono.error(error);
        }
        String route =
                exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof PathPattern pattern
                        ? pattern.getPatternString()
                        : ClientGone.NO_ROUTE;
        ClientGone.counter(route, meters).increment();
        log.debug(
                "A client went away before its answer: method={} route={} ({})",
                exchange.getRequest().getMethod(),
                route,
                error.getClass().getSimpleName());
        return Mono.empty();
    }
}
