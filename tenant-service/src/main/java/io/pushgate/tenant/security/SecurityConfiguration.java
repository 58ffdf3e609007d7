package io.pushgate.tenant.security;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.PlatformSettings;
import io.pushgate.tenant.token.SigningKeys;
import io.pushgate.tenant.token.TokenSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * All of tenant-service's access rules: sign-up, sign-in, refresh and sign-out, the OAuth endpoints, the API docs and
 * health are public; {@code /v1/**} needs a platform token of this issuer and audience, reading
 * with {@code tenant.read}, changing with {@code tenant.write}, members with {@code members.write}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String READ = "SCOPE_" + Scopes.TENANT_READ;
    private static final String WRITE = "SCOPE_" + Scopes.TENANT_WRITE;
    private static final String MEMBERS = "SCOPE_" + Scopes.MEMBERS_WRITE;

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, ObjectMapper json) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchange -> exchange.pathMatchers(
                                HttpMethod.POST, "/v1/signup", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/logout")
                        .permitAll()
                        .pathMatchers(HttpMethod.POST, "/oauth2/token")
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/oauth2/jwks", "/.well-known/oauth-authorization-server")
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/docs", "/docs/**")
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/swagger-ui/**", "/webjars/**")
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/info")
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/v1/**")
                        .hasAuthority(READ)
                        .pathMatchers(HttpMethod.POST, "/v1/members")
                        .hasAuthority(MEMBERS)
                        .pathMatchers("/v1/members/**")
                        .hasAuthority(MEMBERS)
                        .pathMatchers("/v1/**")
                        .hasAuthority(WRITE)
                        .anyExchange()
                        .denyAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint((exchange, e) -> write(
                                exchange,
                                json,
                                ApiRejected.body(
                                        ControlPlaneProblem.UNAUTHENTICATED,
                                        "a valid platform bearer token is required"),
                                "Bearer"))
                        .accessDeniedHandler((exchange, e) -> write(
                                exchange,
                                json,
                                ApiRejected.body(
                                        ControlPlaneProblem.FORBIDDEN,
                                        "the token's role or scopes do not allow this action"),
                                null)))
                .build();
    }

    /** Verifies platform tokens with the published signing keys: ES256, this issuer, this audience, a tenant. */
    @Bean
    ReactiveJwtDecoder platformTokenDecoder(SigningKeys keys, PlatformSettings platform, TokenSettings tokens) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(
                        jwt -> keys.verificationKey(jwt.getHeader().getKeyID()))
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(platform.issuer().toString()),
                new JwtClaimValidator<List<String>>(
                        "aud", audience -> audience != null && audience.contains(tokens.audience())),
                new JwtClaimValidator<String>("tenant_id", Objects::nonNull)));
        return decoder;
    }

    static Mono<Void> write(ServerWebExchange exchange, ObjectMapper json, ProblemDetail problem, String challenge) {
        var response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (challenge != null) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        problem.setInstance(exchange.getRequest().getURI());
        byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
