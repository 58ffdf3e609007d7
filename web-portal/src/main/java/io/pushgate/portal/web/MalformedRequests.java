package io.pushgate.portal.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.http.MalformedRequestRefusal;
import io.pushgate.api.problem.PortalProblem;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * What Reactor Netty's HTTP decoder refuses before Spring Security's firewall or any page (a control
 * character in a header, two {@code Content-Length}s that disagree, a request line over 4 KiB, a header
 * block over 8 KiB, a request line in HTTP/2.0) or in a form the portal waits for (a chunk it cannot
 * read) gets a problem answer, as from the services, instead of a bare status without a body: {@code
 * request-rejected} (400), {@code request-line-too-long} (414), {@code request-headers-too-large}
 * (431), {@code chunked-body-malformed} (400), {@code http-version-not-supported} (505); the connection
 * then closes.
 */
@Configuration(proxyBeanMethods = false)
class MalformedRequests {

    @Bean
    NettyServerCustomizer malformedRequestsAsProblems(ObjectProvider<MeterRegistry> meters) {
        MalformedRequestRefusal.Kinds kinds = new MalformedRequestRefusal.Kinds(
                PortalProblem.REQUEST_REJECTED,
                PortalProblem.REQUEST_LINE_TOO_LONG,
                PortalProblem.HEADERS_TOO_LARGE,
                PortalProblem.CHUNKED_BODY_MALFORMED,
                PortalProblem.HTTP_VERSION_NOT_SUPPORTED);
        Supplier<MalformedRequestRefusal.Listener> counted = MalformedRequestRefusal.counted(kinds, meters::getObject);
        return server -> server.doOnChannelInit((observer, channel, remote) ->
                MalformedRequestRefusal.install(channel, NettyPipeline.HttpCodec, kinds, counted.get()));
    }
}
