package io.pushgate.delivery.credential;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The credential test's path, answered by {@link CredentialEndpoints}. */
@Configuration(proxyBeanMethods = false)
class CredentialRoutes {

    static final String TEST = "/v1/credentials/{id}:test";

    @Bean
    RouterFunction<ServerResponse> credentialTests(CredentialEndpoints endpoints) {
        return route(POST(TEST), endpoints::test);
    }
}
