package io.pushgate.portal.web;

import java.net.InetSocketAddress;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** The answers of a form that worked: 303 to the next page (Post/Redirect/Get). */
public final class Redirects {

    private Redirects() {}

    /** 303 See Other to {@code path} (expanded and encoded with {@code variables}). */
    public static Mono<Void> seeOther(ServerWebExchange exchange, String path, Object... variables) {
        URI location = UriComponentsBuilder.fromUriString(path)
                .buildAndExpand(variables)
                .encode()
                .toUri();
        exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
        exchange.getResponse().getHeaders().setLocation(location);
        return exchange.getResponse().setComplete();
    }

    /**
     * The browser's address: the peer's, or from a peer in {@code pushgate.trusted-proxies} the
     * client its {@code X-Forwarded-For} names ({@link ClientAddressFilter}, which runs first).
     */
    public static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
