package io.pushgate.delivery.callbacklog;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import io.pushgate.delivery.apidoc.Query;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** A configuration's refused callbacks and secret usage, answered by {@link CallbackLogEndpoints}. */
@Configuration(proxyBeanMethods = false)
class CallbackLogRoutes {

    static final String REFUSED_CALLBACKS = "/v1/configurations/{id}/refused-callbacks";
    static final String SECRET_USAGE = "/v1/configurations/{id}/secret-usage";

    @Bean
    RouterFunction<ServerResponse> callbackLogApi(CallbackLogEndpoints endpoints) {
        return route(
                        GET(REFUSED_CALLBACKS),
                        Query.reading(CallbackLogEndpoints.REFUSED_CALLBACKS_QUERY, endpoints::refusedCallbacks))
                .andRoute(GET(SECRET_USAGE), endpoints::secretUsage);
    }
}
