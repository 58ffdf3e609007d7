package io.pushgate.delivery.limit;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The limits' usage path, answered by {@link UsageEndpoints}. */
@Configuration(proxyBeanMethods = false)
class UsageRoutes {

    static final String USAGE = "/v1/usage";

    @Bean
    RouterFunction<ServerResponse> limitUsageRoute(UsageEndpoints endpoints) {
        return route(GET(USAGE), endpoints::usage);
    }
}
