package io.pushgate.delivery.attention;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** What needs the tenant's attention, answered by {@link AttentionEndpoints}. */
@Configuration(proxyBeanMethods = false)
class AttentionRoutes {

    static final String ATTENTION = "/v1/attention";

    @Bean
    RouterFunction<ServerResponse> attentionApi(AttentionEndpoints endpoints) {
        return route(GET(ATTENTION), endpoints::attention);
    }
}
