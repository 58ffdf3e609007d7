package io.pushgate.delivery.readapi;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import io.pushgate.delivery.apidoc.Query;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The delivery read API's paths, answered by {@link ReadApiEndpoints}. */
@Configuration(proxyBeanMethods = false)
class ReadApiRoutes {

    static final String NOTIFICATIONS = "/v1/notifications";
    static final String STATS = "/v1/stats";
    static final String SANDBOX_MESSAGES = "/v1/sandbox/messages";

    @Bean
    RouterFunction<ServerResponse> deliveryReadApi(ReadApiEndpoints endpoints) {
        return route(GET(NOTIFICATIONS), Query.reading(ReadApiEndpoints.LIST_QUERY, endpoints::list))
                .andRoute(GET(NOTIFICATIONS + "/{id}"), endpoints::one)
                .andRoute(GET(STATS), Query.reading(ReadApiEndpoints.STATS_QUERY, endpoints::stats))
                .andRoute(
                        GET(SANDBOX_MESSAGES),
                        Query.reading(ReadApiEndpoints.SANDBOX_QUERY, endpoints::sandboxMessages));
    }
}
