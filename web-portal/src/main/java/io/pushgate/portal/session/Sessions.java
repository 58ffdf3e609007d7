package io.pushgate.portal.session;

import java.time.Clock;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The browser's session as the portal keeps it: signing in (a new session id, nothing of the
 * anonymous session kept, the CSRF token included), signing out, and the signed-in member for
 * Spring Security, read from the session's {@link SignedIn} on every request.
 */
@Component
public class Sessions implements ServerSecurityContextRepository {

    private final SessionSettings settings;
    private final Clock clock;

    Sessions(SessionSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts a signed-in session for {@code signedIn} under a new session id. */
    public Mono<Void> signIn(ServerWebExchange exchange, SignedIn signedIn) {
        return exchange.getSession().flatMap(session -> {
            session.getAttributes().clear();
            session.getAttributes().put(SignedIn.ATTRIBUTE, signedIn);
            session.setMaxIdleTime(settings.idleTimeout());
            return session.changeSessionId();
        });
    }

    /** Ends the browser's session: its attributes are gone and its id is never valid again. */
    public Mono<Void> signOut(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(WebSession::invalidate);
    }

    /** The session's signed-in state, or empty (never signed in, signed out, or past its lifetime). */
    public Mono<SignedIn> current(ServerWebExchange exchange) {
        return exchange.getSession().mapNotNull(session -> {
            SignedIn signedIn = session.getAttribute(SignedIn.ATTRIBUTE);
            if (signedIn != null
                    && signedIn.signedInAt().plus(settings.maxLifetime()).isBefore(clock.instant())) {
                session.getAttributes().remove(SignedIn.ATTRIBUTE);
                return null;
            }
            return signedIn;
        });
    }

    @Override
    public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
        // signing in and out go through signIn and signOut: nothing else saves a context
        return Mono.empty();
    }

    @Override
    public Mono<SecurityContext> load(ServerWebExchange exchange) {
        return current(exchange).map(signedIn -> new SecurityContextImpl(new MemberAuthentication(signedIn.member())));
    }
}
