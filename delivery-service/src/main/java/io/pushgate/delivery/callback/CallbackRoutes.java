package io.pushgate.delivery.callback;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.NettyPipeline;

/**
 * The URL AXP calls for every tenant: {@value #PATH}. Anything else under {@code /axp/callbacks/}
 * gets a problem answer too: 404 for a POST, 405 for another method.
 */
@Configuration(proxyBeanMethods = false)
class CallbackRoutes {

    static final String PATH = "/axp/callbacks/{callbackKey}";

    @Bean
    RouterFunction<ServerResponse> callbackRoute(CallbackIngress ingress) {
        return route(POST(PATH), ingress::receive).andRoute(path("/axp/callbacks/**"), ingress::unrouted);
    }

    /**
     * A {@code 413} whose body was not read ends with a lingering close ({@link LingeringClose}), for
     * the callback URL and the registration API alike.
     */
    @Bean
    NettyServerCustomizer lingeringCloseAfter413() {
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null
                    && channel.pipeline().get(LingeringClose.NAME) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, LingeringClose.NAME, new LingeringClose());
            }
        });
    }

    /**
     * No generic {@code http.server.requests} observation per callback: {@link CallbackMetrics}
     * measures every callback already, by tenant and outcome, and the generic one costs the hot path
     * a timer, a long-task timer and their tags on every request.
     */
    @Bean
    ObservationPredicate noGenericObservationOfCallbacks() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier()
                        .getPath()
                        .pathWithinApplication()
                        .value()
                        .startsWith("/axp/callbacks/"));
    }
}
