package io.pushgate.portal.web;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * What the address bar shows after an htmx-boosted request: the page a GET answered (also at the
 * end of a form's 303, which the browser follows with htmx's headers), never a form's POST address,
 * which a reload could not GET. So the history holds the pages a visitor saw, as without htmx.
 */
@Component
class BoostedHistory implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if ("true".equals(request.getHeaders().getFirst("HX-Boosted"))) {
            exchange.getResponse().beforeCommit(() -> {
                if (exchange.getResponse().getStatusCode() != null
                        && exchange.getResponse().getStatusCode().is3xxRedirection()) {
                    return Mono.empty();
                }
                String url = request.getMethod() == HttpMethod.GET
                        ? request.getURI().getRawPath()
                                + (request.getURI().getRawQuery() == null
                                        ? ""
                                        : "?" + request.getURI().getRawQuery())
                        : "false";
                exchange.getResponse().getHeaders().set("HX-Push-Url", url);
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }
}
