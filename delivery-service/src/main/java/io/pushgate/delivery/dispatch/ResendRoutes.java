package io.pushgate.delivery.dispatch;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The re-send's path, answered by {@link ResendEndpoints}. */
@Configuration(proxyBeanMethods = false)
class ResendRoutes {

    static final String RESEND = "/v1/notifications/{id}:resend";

    @Bean
    RouterFunction<ServerResponse> notificationResends(ResendEndpoints endpoints) {
        return route(POST(RESEND), endpoints::resend);
    }
}
