package io.pushgate.portal.account;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.session.Sessions;
import io.pushgate.portal.session.SignedIn;
import io.pushgate.portal.web.FormErrors;
import io.pushgate.portal.web.Redirects;
import java.time.Clock;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sign-up, sign-in and sign-out. A sign-in starts a new session (a new id, nothing of the anonymous
 * one kept) holding the member's platform tokens; the browser gets only the session cookie. The
 * browser's address goes to tenant-service as {@code X-Forwarded-For} for its sign-in limits.
 */
@Controller
class AccountPages {

    /** Problem kinds without a field that still belong to one. */
    private static final Map<String, String> SIGN_UP_FIELDS = Map.of("type:email-taken", "email");

    private final Backend backend;
    private final Sessions sessions;
    private final Clock clock;

    AccountPages(Backend backend, Sessions sessions, Clock clock) {
        this.backend = backend;
        this.sessions = sessions;
        this.clock = clock;
    }

    @GetMapping("/sign-in")
    Mono<String> signInPage(ServerWebExchange exchange, Model model) {
        // "?ended" and "?signed-out" carry no value: their presence says it
        boolean ended = exchange.getRequest().getQueryParams().containsKey("ended");
        boolean signedOut = exchange.getRequest().getQueryParams().containsKey("signed-out");
        return sessions.current(exchange).hasElement().map(signedIn -> {
            if (signedIn) {
                return "redirect:/";
            }
            if (ended) {
                model.addAttribute("info", "Your session ended. Sign in again to go on.");
            } else if (signedOut) {
                model.addAttribute("info", "You are signed out.");
            }
            model.addAttribute("email", "");
            model.addAttribute("errors", FormErrors.none());
            return "sign-in";
        });
    }

    @PostMapping("/sign-in")
    Mono<String> signIn(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            String email = value(form, "email");
            String password = value(form, "password");
            return backend.login(email, password, Redirects.clientAddress(exchange))
                    .flatMap(tokens -> sessions.signIn(exchange, new SignedIn(email.strip(), tokens, clock.instant())))
                    .thenReturn("redirect:/")
                    .onErrorResume(ApiProblem.class, problem -> {
                        exchange.getResponse().setStatusCode(status(problem));
                        model.addAttribute("email", email);
                        model.addAttribute("errors", FormErrors.of(problem));
                        return Mono.just("sign-in");
                    });
        });
    }

    @GetMapping("/sign-up")
    Mono<String> signUpPage(ServerWebExchange exchange, Model model) {
        return sessions.current(exchange).hasElement().map(signedIn -> {
            if (signedIn) {
                return "redirect:/";
            }
            model.addAttribute("tenantName", "");
            model.addAttribute("email", "");
            model.addAttribute("errors", FormErrors.none());
            return "sign-up";
        });
    }

    @PostMapping("/sign-up")
    Mono<String> signUp(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            String tenantName = value(form, "tenantName");
            String email = value(form, "email");
            String password = value(form, "password");
            String address = Redirects.clientAddress(exchange);
            return backend.signUp(tenantName, email, password, address)
                    .then(backend.login(email, password, address))
                    .flatMap(tokens -> sessions.signIn(exchange, new SignedIn(email.strip(), tokens, clock.instant())))
                    .thenReturn("redirect:/")
                    .onErrorResume(ApiProblem.class, problem -> {
                        exchange.getResponse().setStatusCode(status(problem));
                        model.addAttribute("tenantName", tenantName);
                        model.addAttribute("email", email);
                        model.addAttribute("errors", FormErrors.of(problem, SIGN_UP_FIELDS));
                        return Mono.just("sign-up");
                    });
        });
    }

    /** Revokes the refresh token (its whole family) and ends the session. */
    @PostMapping("/sign-out")
    Mono<Void> signOut(ServerWebExchange exchange) {
        return sessions.current(exchange)
                .flatMap(signedIn -> backend.logout(signedIn.refreshToken()))
                .then(sessions.signOut(exchange))
                .then(Mono.defer(() -> Redirects.seeOther(exchange, "/sign-in?signed-out")));
    }

    /** A refused form is shown again with 422 (400 and 409 kept as sent, 429 and 503 too). */
    private static HttpStatus status(ApiProblem problem) {
        int status = problem.status();
        if (status == 409 || status == 429 || status == 503 || status == 400) {
            return HttpStatus.valueOf(status);
        }
        return HttpStatus.UNPROCESSABLE_CONTENT;
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value;
    }
}
