package io.pushgate.portal.web;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.session.Member;
import io.pushgate.portal.session.SessionEnded;
import io.pushgate.portal.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The model every page's layout uses — the signed-in member, the CSRF token (which {@code
 * th:action} forms carry as a hidden field and htmx sends as a header), the notice of the last
 * change — and what a page shows when its session ended or a backend failed.
 */
@ControllerAdvice
class PortalModel {

    private static final Logger log = LoggerFactory.getLogger(PortalModel.class);

    private final Sessions sessions;
    private final PageLayout layout;

    PortalModel(Sessions sessions, PageLayout layout) {
        this.sessions = sessions;
        this.layout = layout;
    }

    @ModelAttribute("_csrf")
    Mono<CsrfToken> csrfToken(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return Mono.empty();
        }
        return token.doOnNext(resolved ->
                exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, resolved));
    }

    /** The CSRF token as the header htmx sends with every request ({@code hx-headers} on the body). */
    @ModelAttribute("htmxHeaders")
    Mono<String> htmxHeaders(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return Mono.empty();
        }
        return token.map(PageLayout::htmxHeaders);
    }

    /** The page's section of the navigation (the item marked as the current page, {@code aria-current}), or null. */
    @ModelAttribute("section")
    Mono<String> section(ServerWebExchange exchange) {
        // a Mono, empty for a page of no section: a null from a model attribute method leaves the model unresolved
        return Mono.justOrEmpty(Sections.of(exchange.getRequest().getPath().value()));
    }

    @ModelAttribute("member")
    Mono<Member> member() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .map(Authentication::getPrincipal)
                .ofType(Member.class);
    }

    /** The notice of the last change, shown once by the next full page (never taken by an htmx fragment). */
    @ModelAttribute("notice")
    Mono<String> notice(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean fragment = headers.containsHeader("HX-Request") && !headers.containsHeader("HX-Boosted");
        if (fragment || !"GET".equals(exchange.getRequest().getMethod().name())) {
            return Mono.empty();
        }
        return Flash.take(exchange, "notice", String.class);
    }

    /** The platform session is over: the browser's too, and it is asked to sign in again. */
    @ExceptionHandler(SessionEnded.class)
    Mono<Void> sessionEnded(SessionEnded ended, ServerWebExchange exchange) {
        log.info("Session ended: {}", ended.getMessage());
        return sessions.signOut(exchange).then(Mono.defer(() -> {
            if (exchange.getRequest().getHeaders().containsHeader("HX-Request")) {
                exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
                exchange.getResponse().getHeaders().set("HX-Redirect", "/sign-in?ended");
                return exchange.getResponse().setComplete();
            }
            return Redirects.seeOther(exchange, "/sign-in?ended");
        }));
    }

    /**
     * A page whose backend refused or did not answer, with what it said, inside the layout (an
     * exception handler's model starts empty: the layout's part is added again).
     */
    @ExceptionHandler(ApiProblem.class)
    Mono<String> problem(ApiProblem problem, ServerWebExchange exchange, Model model) {
        exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status() == 401 ? 503 : problem.status()));
        return layout.model(exchange).map(page -> {
            model.addAllAttributes(page);
            model.addAttribute("title", problem.status() == 404 ? "Not found" : "Something did not work");
            model.addAttribute("message", FormErrors.sentence(problem.message()));
            return "error";
        });
    }
}
