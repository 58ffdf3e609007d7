package io.pushgate.tenant.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.Scopes;
import io.pushgate.api.http.MalformedRequestRefusal;
import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.PlatformSettings;
import io.pushgate.tenant.token.SigningKeys;
import io.pushgate.tenant.token.TokenSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.ObjectMapper;

/**
 * All of tenant-service's access rules: sign-up, sign-in, refresh and sign-out, the OAuth endpoints, the API docs,
 * health and the Prometheus metrics (as delivery-service's) are public; {@code /v1/**} needs a platform token of this issuer and audience, reading
 * with {@code tenant.read}, changing with {@code tenant.write}, members with {@code members.write};
 * {@code /v1/operator/**} is the platform operator's, a chain of its own that only the operator
 * token passes.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String READ = "SCOPE_" + Scopes.TENANT_READ;
    private static final String WRITE = "SCOPE_" + Scopes.TENANT_WRITE;
    private static final String MEMBERS = "SCOPE_" + Scopes.MEMBERS_WRITE;
    private static final String OPERATOR = "operator";
    private static final String OPERATOR_AUTHORITY = "PLATFORM_OPERATOR";

    /**
     * The platform operator's API, {@code /v1/operator/**}, checked before the tenants' chain ever
     * sees it: only {@code Authorization: Bearer <operator token>} passes; anything else, a platform
     * token of any role or an app client's among them, answers 401. Without an operator token
     * ({@link OperatorToken#isSet()}) every request there answers 404, as if the API did not exist.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain operatorSecurity(ServerHttpSecurity http, OperatorToken operator, ObjectMapper json) {
        ServerAuthenticationEntryPoint refuse = (exchange, e) -> operator.isSet()
                ? write(
                        exchange,
                        json,
                        ApiRejected.body(ControlPlaneProblem.UNAUTHENTICATED, "the operator token is required"),
                        "Bearer")
                : write(exchange, json, ApiRejected.body(ControlPlaneProblem.NOT_FOUND, "no such resource"), null);
        ReactiveAuthenticationManager operatorOnly = presented -> operator.matches((String) presented.getCredentials())
                ? Mono.just(UsernamePasswordAuthenticationToken.authenticated(
                        OPERATOR, null, AuthorityUtils.createAuthorityList(OPERATOR_AUTHORITY)))
                : Mono.error(new BadCredentialsException("not the operator token"));
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(operatorOnly);
        authentication.setServerAuthenticationConverter(SecurityConfiguration::bearer);
        authentication.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(refuse));
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/v1/operator/**"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchange -> exchange.anyExchange().hasAuthority(OPERATOR_AUTHORITY))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(refuse)
                        .accessDeniedHandler((exchange, e) -> refuse.commence(exchange, null)))
                .build();
    }

    /**
     * What Spring Security's firewall refuses before any filter chain (a method such as {@code TRACE},
     * an encoded slash, period, percent sign or NUL in the path) answers 400 {@code request-rejected},
     * a problem like every other refusal, instead of an empty 400; the detail is fixed, as the
     * firewall's own message may quote the request.
     */
    @Bean
    ServerExchangeRejectedHandler firewallRefusalAsProblem(ObjectMapper json, MeterRegistry meters) {
        Counter counted = MalformedRequestRefusal.counter(ControlPlaneProblem.REQUEST_REJECTED, meters);
        return (exchange, rejected) -> {
            counted.increment();
            return write(
                    exchange,
                    json,
                    ApiRejected.body(
                            ControlPlaneProblem.REQUEST_REJECTED,
                            "the request's method, URL or a header holds what this service refuses to read"),
                    null);
        };
    }

    /**
     * What Reactor Netty's HTTP decoder refuses before the firewall or any route (a control character
     * in a header, two {@code Content-Length}s that disagree, a request line or header block over the
     * server's limits, a request line in HTTP/2.0) or in a body a handler waits for (a chunk it cannot
     * read) is a problem answer too: {@code request-rejected} (400), {@code request-line-too-long}
     * (414), {@code request-headers-too-large} (431), {@code chunked-body-malformed} (400), {@code
     * http-version-not-supported} (505), and the connection closes. These and the firewall's refusals
     * are counted in {@code pushgate_requests_refused_total{problem}} and never logged one by one.
     */
    @Bean
    NettyServerCustomizer malformedRequestsAsProblems(ObjectProvider<MeterRegistry> meters) {
        MalformedRequestRefusal.Kinds kinds = new MalformedRequestRefusal.Kinds(
                ControlPlaneProblem.REQUEST_REJECTED,
                ControlPlaneProblem.REQUEST_LINE_TOO_LONG,
                ControlPlaneProblem.HEADERS_TOO_LARGE,
                ControlPlaneProblem.CHUNKED_BODY_MALFORMED,
                ControlPlaneProblem.HTTP_VERSION_NOT_SUPPORTED);
        Supplier<MalformedRequestRefusal.Listener> counted = MalformedRequestRefusal.counted(kinds, meters::getObject);
        return server -> server.doOnChannelInit((observer, channel, remote) ->
                MalformedRequestRefusal.install(channel, NettyPipeline.HttpCodec, kinds, counted.get()));
    }

    /** The bearer token of {@code Authorization}, as an authentication request; none without one. */
    private static Mono<Authentication> bearer(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.empty();
        }
        return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated(
                OPERATOR, authorization.substring(7).strip()));
    }

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
                        .pathMatchers(
                                HttpMethod.GET,
                                "/actuator/health",
                                "/actuator/health/**",
                                "/actuator/info",
                                "/actuator/prometheus")
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
