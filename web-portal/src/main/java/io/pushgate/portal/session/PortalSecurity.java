package io.pushgate.portal.session;

import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfException;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The portal's one security filter chain. Signing in, signing up, the status page, static files and
 * health are open; every other page needs a signed-in member; every change (a POST) needs an owner or
 * an admin, members' changes an owner — the pages leave out what a role cannot do, and this refuses
 * it anyway. Every POST carries the session's CSRF token (a form field, also in multipart forms, or
 * the {@code X-CSRF-TOKEN} header htmx sends). Pages get a CSP without inline script or style, and
 * may not be framed.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class PortalSecurity {

    static final String CONTENT_SECURITY_POLICY = String.join(
            "; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'");

    @Bean
    SecurityWebFilterChain portalFilterChain(ServerHttpSecurity http, Sessions sessions) {
        XorServerCsrfTokenRequestAttributeHandler csrfTokens = new XorServerCsrfTokenRequestAttributeHandler();
        csrfTokens.setTokenFromMultipartDataEnabled(true);
        return http.securityContextRepository(sessions)
                .csrf(csrf -> csrf.csrfTokenRequestHandler(csrfTokens)
                        .accessDeniedHandler((exchange, denied) -> refuse(exchange, denied)))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.mode(Mode.DENY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .authorizeExchange(exchange -> exchange.pathMatchers(
                                HttpMethod.GET,
                                "/sign-in",
                                "/sign-up",
                                "/status",
                                "/css/**",
                                "/js/**",
                                "/webjars/**",
                                "/favicon.ico",
                                "/actuator/health",
                                "/actuator/health/**",
                                "/actuator/info")
                        .permitAll()
                        .pathMatchers(HttpMethod.POST, "/sign-in", "/sign-up")
                        .permitAll()
                        .pathMatchers(HttpMethod.POST, "/sign-out")
                        .authenticated()
                        .pathMatchers(HttpMethod.POST, "/members", "/members/**")
                        .hasRole("OWNER")
                        .pathMatchers(HttpMethod.POST, "/**")
                        .hasAnyRole("OWNER", "ADMIN")
                        .pathMatchers(HttpMethod.GET, "/**")
                        .authenticated()
                        .anyExchange()
                        .denyAll())
                .exceptionHandling(handling -> handling.authenticationEntryPoint((exchange, e) -> signInFirst(exchange))
                        .accessDeniedHandler((exchange, denied) -> refuse(exchange, denied)))
                .build();
    }

    /** To the sign-in page; an htmx request is told to go there as a whole page. */
    static Mono<Void> signInFirst(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        URI signIn = URI.create("/sign-in");
        if (exchange.getRequest().getHeaders().containsHeader("HX-Request")) {
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            response.getHeaders().set("HX-Redirect", signIn.toString());
            return response.setComplete();
        }
        response.setStatusCode(HttpStatus.SEE_OTHER);
        response.getHeaders().setLocation(signIn);
        return response.setComplete();
    }

    /**
     * 403 with a page that says why in words: a form without its CSRF token, or a role that may not do
     * this. The error page ({@code web.ErrorPages}) shows it inside the layout.
     */
    private static Mono<Void> refuse(ServerWebExchange exchange, Exception denied) {
        boolean csrf = denied instanceof CsrfException;
        String title = csrf ? "This form has expired" : "Your role does not allow this";
        String text = csrf
                ? "The form was not sent from a page of this session (its security token is missing or old)."
                        + " Nothing was changed. Go back, reload the page and try again."
                : "Nothing was changed. Viewers can look at everything but change nothing;"
                        + " ask an owner of your tenant for the admin role.";
        return Mono.error(new PageRefused(HttpStatus.FORBIDDEN, title, text));
    }
}
