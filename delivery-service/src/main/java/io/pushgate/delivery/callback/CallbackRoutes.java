package io.pushgate.delivery.callback;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The URL AXP calls for every tenant: {@value #PATH}. */
@Configuration(proxyBeanMethods = false)
class CallbackRoutes {

    static final String PATH = "/axp/callbacks/{callbackKey}";

    @Bean
    RouterFunction<ServerResponse> callbackRoute(CallbackIngress ingress) {
        return route(POST(PATH), ingress::receive);
    }
}
