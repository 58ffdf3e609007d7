package io.pushgate.portal.session;

import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * Sessions in this instance's memory (several portal replicas need a shared session store instead)
 * behind one cookie: {@code __Host-} prefixed, {@code HttpOnly}, {@code Secure} (unless turned off),
 * {@code SameSite=Lax}, {@code Path=/}, no {@code Domain}, no {@code Max-Age} (it ends with the browser).
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(SessionSettings settings) {
        CookieWebSessionIdResolver cookies = new CookieWebSessionIdResolver();
        cookies.setCookieName(settings.cookieName());
        cookies.setCookieMaxAge(Duration.ofSeconds(-1));
        cookies.addCookieInitializer(cookie -> cookie.httpOnly(true)
                .secure(settings.cookieSecure())
                .sameSite("Lax")
                .path("/"));
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionIdResolver(cookies);
        manager.setSessionStore(new IdleLimitedStore(settings.idleTimeout()));
        return manager;
    }

    /** Every new session ends after the configured idle time. */
    private static final class IdleLimitedStore extends InMemoryWebSessionStore {

        private final Duration idleTimeout;

        IdleLimitedStore(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        @Override
        public Mono<WebSession> createWebSession() {
            return super.createWebSession().doOnNext(session -> session.setMaxIdleTime(idleTimeout));
        }
    }
}
