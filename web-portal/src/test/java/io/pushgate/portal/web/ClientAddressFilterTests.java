package io.pushgate.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.net.TrustedProxies;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** What the filter hands on: one address, and no forwarded header left for anything after it to read. */
class ClientAddressFilterTests {

    final ClientAddressFilter filter = new ClientAddressFilter(TrustedProxies.of(List.of("10.0.0.0/8")));

    @Test
    void fromATrustedProxyTheClientBecomesTheRemoteAddressAndTheHeadersGo() {
        ServerHttpRequest seen = pass(MockServerHttpRequest.post("/sign-in")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 40000))
                .header("X-Forwarded-For", "203.0.113.1, 198.51.100.7")
                .header("Forwarded", "for=192.0.2.1"));

        assertThat(seen.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("198.51.100.7");
        assertThat(seen.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
        assertThat(seen.getHeaders().containsHeader("Forwarded")).isFalse();
    }

    @Test
    void fromAnUntrustedPeerTheHeadersAreIgnoredAndNotPassedOn() {
        ServerHttpRequest seen = pass(MockServerHttpRequest.post("/sign-in")
                .remoteAddress(new InetSocketAddress("192.0.2.9", 40000))
                .header("X-Forwarded-For", "198.51.100.7")
                .header("Forwarded", "for=198.51.100.7"));

        assertThat(seen.getRemoteAddress()).isEqualTo(new InetSocketAddress("192.0.2.9", 40000));
        assertThat(seen.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
        assertThat(seen.getHeaders().containsHeader("Forwarded")).isFalse();
    }

    /** RFC 7239 {@code Forwarded} is not read, even from a trusted proxy. */
    @Test
    void forwardedAloneChangesNothing() {
        ServerHttpRequest seen = pass(MockServerHttpRequest.post("/sign-in")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 40000))
                .header("Forwarded", "for=198.51.100.7"));

        assertThat(seen.getRemoteAddress()).isEqualTo(new InetSocketAddress("10.1.2.3", 40000));
        assertThat(seen.getHeaders().containsHeader("Forwarded")).isFalse();
    }

    @Test
    void aRequestWithoutRemoteAddressPassesAsItIs() {
        ServerHttpRequest seen = pass(MockServerHttpRequest.post("/sign-in").header("X-Forwarded-For", "junk"));

        assertThat(seen.getRemoteAddress()).isNull();
        assertThat(seen.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
    }

    private ServerHttpRequest pass(MockServerHttpRequest.BaseBuilder<?> request) {
        AtomicReference<ServerHttpRequest> seen = new AtomicReference<>();
        filter.filter(MockServerWebExchange.from(request), exchange -> {
                    seen.set(exchange.getRequest());
                    return Mono.empty();
                })
                .block(Duration.ofSeconds(5));
        return seen.get();
    }
}
