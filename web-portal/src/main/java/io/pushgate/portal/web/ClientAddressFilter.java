package io.pushgate.portal.web;

import io.pushgate.api.net.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first filter of every request: from a trusted proxy, the request's remote address becomes the
 * client that {@code X-Forwarded-For} names ({@link TrustedProxies#client}); from any other peer the
 * header is ignored. Either way {@code X-Forwarded-For} and {@code Forwarded} are removed, so that
 * whatever reads the request after it ({@link Redirects#clientAddress}, which the sign-in and sign-up
 * pages send to tenant-service as {@code X-Forwarded-For}) sees one address and no header to read
 * another from. {@code Forwarded} is not read.
 */
final class ClientAddressFilter implements WebFilter, Ordered {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED = "Forwarded";

    private final TrustedProxies proxies;

    ClientAddressFilter(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE; // before security and everything else
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        boolean forwardedFor = headers.containsHeader(X_FORWARDED_FOR);
        if (!forwardedFor && !headers.containsHeader(FORWARDED)) {
            return chain.filter(exchange);
        }
        ServerHttpRequest.Builder changed = request.mutate().headers(h -> {
            h.remove(X_FORWARDED_FOR);
            h.remove(FORWARDED);
        });
        InetSocketAddress peer = request.getRemoteAddress();
        if (forwardedFor && peer != null && peer.getAddress() != null) {
            List<String> values = headers.getOrEmpty(X_FORWARDED_FOR);
            InetAddress client = proxies.client(peer.getAddress(), values);
            if (!client.equals(peer.getAddress())) {
                // the client's port is not known: 0
                changed.remoteAddress(new InetSocketAddress(client, 0));
            }
        }
        return chain.filter(exchange.mutate().request(changed.build()).build());
    }
}
