package io.pushgate.portal.web;

import io.pushgate.portal.session.Sessions;
import io.pushgate.portal.session.SignedIn;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.WebSessionServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What the layout needs of a request, for the pages whose model is not a controller's (the error
 * pages): the signed-in member of the browser's session, if any (without one the layout shows no
 * navigation), the page's section of the navigation, and the CSRF token that the sign-out form
 * and htmx send.
 */
@Component
class PageLayout {

    private final Sessions sessions;

    PageLayout(Sessions sessions) {
        this.sessions = sessions;
    }

    Mono<Map<String, Object>> model(ServerWebExchange exchange) {
        Map<String, Object> model = new ConcurrentHashMap<>();
        String section = Sections.of(exchange.getRequest().getPath().value());
        if (section != null) {
            model.put("section", section);
        }
        // read only: an error page never starts a session or makes a CSRF token (a browser's favicon
        // request, answered 404, would otherwise replace the session whose form it is about to send)
        return sessions.current(exchange)
                .map(SignedIn::member)
                .flatMap(member -> {
                    model.put("member", member);
                    return storedCsrfToken(exchange);
                })
                .doOnNext(token -> {
                    exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, token);
                    model.put("_csrf", token);
                    model.put("htmxHeaders", htmxHeaders(token));
                })
                .thenReturn(model);
    }

    /** The CSRF token as the header htmx sends with every request ({@code hx-headers} on the body). */
    static String htmxHeaders(CsrfToken token) {
        return "{\"" + token.getHeaderName() + "\": \"" + token.getToken() + "\"}";
    }

    /**
     * The session's CSRF token as forms carry it (masked as the CSRF filter masks it), if the session
     * has one; never a new one.
     */
    private static Mono<CsrfToken> storedCsrfToken(ServerWebExchange exchange) {
        new XorServerCsrfTokenRequestAttributeHandler()
                .handle(exchange, new WebSessionServerCsrfTokenRepository().loadToken(exchange));
        Mono<CsrfToken> masked = exchange.getAttribute(CsrfToken.class.getName());
        return masked == null ? Mono.empty() : masked;
    }
}
