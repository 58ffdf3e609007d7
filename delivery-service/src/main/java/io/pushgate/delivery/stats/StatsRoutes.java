package io.pushgate.delivery.stats;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import io.pushgate.delivery.apidoc.Query;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The dashboard's series, answered by {@link StatsEndpoints}. */
@Configuration(proxyBeanMethods = false)
class StatsRoutes {

    static final String SERIES = "/v1/stats/series";

    @Bean
    RouterFunction<ServerResponse> statsSeries(StatsEndpoints endpoints) {
        return route(GET(SERIES), Query.reading(StatsEndpoints.SERIES_QUERY, endpoints::series));
    }
}
