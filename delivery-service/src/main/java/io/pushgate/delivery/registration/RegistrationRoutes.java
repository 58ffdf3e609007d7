package io.pushgate.delivery.registration;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.PUT;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.registration.RegistrationEndpoints.Shape;
import io.pushgate.delivery.security.Problems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The native registration API and the aliases of Avaya's sample apps (AXP-CONTRACT.md §2). */
@Configuration(proxyBeanMethods = false)
class RegistrationRoutes {

    static final String NATIVE = "/v1/device-registrations";
    static final String AVAYA = "/custom-notification-connector/device-registrations";

    @Bean
    RouterFunction<ServerResponse> registrationApi(RegistrationEndpoints endpoints) {
        return route(PUT(NATIVE + "/{deviceToken}"), request -> endpoints.register(request, Shape.NATIVE))
                .andRoute(GET(NATIVE + "/{deviceToken}"), request -> endpoints.get(request, Shape.NATIVE))
                .andRoute(DELETE(NATIVE + "/{deviceToken}"), endpoints::delete)
                .andRoute(POST(NATIVE + ":search"), request -> endpoints.search(request, Shape.NATIVE))
                .andRoute(PUT(AVAYA + "/{deviceToken}"), request -> endpoints.register(request, Shape.AVAYA))
                .andRoute(GET(AVAYA + "/{deviceToken}"), request -> endpoints.get(request, Shape.AVAYA))
                .andRoute(DELETE(AVAYA + "/{deviceToken}"), endpoints::delete)
                .andRoute(POST(AVAYA + ":search"), request -> endpoints.search(request, Shape.AVAYA))
                .andRoute(
                        path(NATIVE + "/{deviceToken}").or(path(AVAYA + "/{deviceToken}")),
                        RegistrationRoutes::methodNotAllowed);
    }

    /** Another method on a registration (PATCH, OPTIONS…): 405 with {@code Allow}, a problem like every refusal. */
    static Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
        return ServerResponse.status(DeliveryApiProblem.METHOD_NOT_ALLOWED.status())
                .allow(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(Problems.body(
                        DeliveryApiProblem.METHOD_NOT_ALLOWED, "a device registration takes GET, PUT and DELETE"));
    }
}
