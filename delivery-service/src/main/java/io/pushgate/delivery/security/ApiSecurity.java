package io.pushgate.delivery.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.Scopes;
import io.pushgate.api.http.MalformedRequestRefusal;
import io.pushgate.api.problem.DeliveryApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.ObjectMapper;

/**
 * The one security filter chain of delivery-service's API: {@code /v1/**} and the Avaya aliases
 * under {@code /custom-notification-connector/**}. Stateless, bearer tokens only (platform tokens
 * and tenants' trusted issuers', told apart by {@code iss}), no session, no CSRF (no cookies).
 * Every other path ({@code /axp/callbacks/**}, signed with HMAC; {@code /actuator/**}) is outside
 * this chain and untouched by it.
 *
 * <p>Answers: 401 {@code unauthenticated} with {@code WWW-Authenticate: Bearer …} (RFC 6750) for a
 * missing or invalid token where one is needed; 403 {@code forbidden} with {@code
 * error="insufficient_scope"} for a valid token without the scope.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    static final String REGISTRATIONS = "SCOPE_" + Scopes.REGISTRATIONS;
    static final String TENANT_READ = "SCOPE_" + Scopes.TENANT_READ;
    static final String TENANT_WRITE = "SCOPE_" + Scopes.TENANT_WRITE;

    /** A registration by device token (native and Avaya alias). */
    static final String[] REGISTRATION = {
        "/v1/device-registrations/*", "/custom-notification-connector/device-registrations/*"
    };
    /** The search for registrations (native and Avaya alias). */
    static final String[] SEARCH = {
        "/v1/device-registrations:search", "/custom-notification-connector/device-registrations:search"
    };

    /** A configuration's refused callbacks and secret usage. */
    static final String[] CALLBACK_LOG = {"/v1/configurations/*/refused-callbacks", "/v1/configurations/*/secret-usage"
    };

    /** A notification's re-send: it sends again with the tenant's credential. */
    static final String RESEND = "/v1/notifications/*:resend";

    static final String ATTENTION = "/v1/attention";

    /** A credential's connection test: it talks to the provider with the tenant's credential. */
    static final String CREDENTIAL_TEST = "/v1/credentials/*:test";

    /**
     * No observations of Spring Security's own: they wrap every request in two more observations —
     * AXP callbacks too, which no chain secures — at a cost the callback path measured. {@code
     * http.server.requests} and the callback meters cover what operators need.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityWebFilterChain apiFilterChain(
            ServerHttpSecurity http, SecuritySettings settings, TrustedIssuers trustedIssuers, ObjectMapper json) {
        var platform = PlatformTokens.manager(settings);
        String platformIssuer = settings.platformIssuer().toString();
        var byIssuer = new JwtIssuerReactiveAuthenticationManagerResolver(
                issuer -> platformIssuer.equals(issuer) ? Mono.just(platform) : trustedIssuers.managerFor(issuer));
        return http.securityMatcher(
                        ServerWebExchangeMatchers.pathMatchers("/v1/**", "/custom-notification-connector/**"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(ApiSecurity::rules)
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(byIssuer)
                        .authenticationEntryPoint((exchange, e) -> unauthenticated(exchange, json, e))
                        .accessDeniedHandler((exchange, e) -> forbidden(exchange, json)))
                .build();
    }

    /**
     * Who may do what under {@code /v1/**}, explicitly, in one place; whatever is not listed is denied.
     *
     * <p>Device registrations: apps' tokens with scope {@code registrations} (admin tokens with {@code
     * tenant.read} may read and search too; with {@code tenant.write}, owners' and admins', register and
     * delete too: the portal registers its test device so). A request without a token passes here and is allowed by
     * the handler only for a configuration in open-registration mode (401 otherwise); a request with an
     * invalid token never gets that far.
     *
     * <p>The delivery read API (notifications, their statistics and the dashboard's series, sandbox messages), the limits' usage and a
     * configuration's refused callbacks and secret usage: admin tokens with {@code tenant.read}.
     *
     * <p>A credential's connection test: admin tokens with {@code tenant.write} (owners and admins, as
     * every change of a credential in tenant-service); a trusted issuer's token never has it. A
     * notification's re-send: the same.
     */
    static void rules(ServerHttpSecurity.AuthorizeExchangeSpec exchange) {
        exchange.pathMatchers(HttpMethod.GET, REGISTRATION)
                .access(withoutTokenOrWith(REGISTRATIONS, TENANT_READ))
                .pathMatchers(HttpMethod.POST, SEARCH)
                .access(withoutTokenOrWith(REGISTRATIONS, TENANT_READ))
                .pathMatchers(REGISTRATION)
                .access(withoutTokenOrWith(REGISTRATIONS, TENANT_WRITE))
                .pathMatchers(
                        HttpMethod.GET,
                        "/v1/notifications",
                        "/v1/notifications/*",
                        "/v1/stats",
                        "/v1/stats/series",
                        "/v1/sandbox/messages",
                        "/v1/usage")
                .hasAuthority(TENANT_READ)
                .pathMatchers(HttpMethod.GET, CALLBACK_LOG)
                .hasAuthority(TENANT_READ)
                .pathMatchers(HttpMethod.GET, ATTENTION)
                .hasAuthority(TENANT_READ)
                .pathMatchers(HttpMethod.POST, CREDENTIAL_TEST, RESEND)
                .hasAuthority(TENANT_WRITE)
                .anyExchange()
                .denyAll();
    }

    /** Granted to a request without a token (the handler decides), or to a token with one of {@code authorities}. */
    static ReactiveAuthorizationManager<AuthorizationContext> withoutTokenOrWith(String... authorities) {
        Set<String> wanted = Set.of(authorities);
        return (authentication, context) -> authentication
                .filter(Authentication::isAuthenticated)
                .map(caller -> caller.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .anyMatch(wanted::contains))
                .defaultIfEmpty(true)
                .map(AuthorizationDecision::new);
    }

    private static Mono<Void> unauthenticated(
            ServerWebExchange exchange, ObjectMapper json, AuthenticationException e) {
        String challenge;
        String detail;
        if (e instanceof OAuth2AuthenticationException oauth) {
            String description = oauth.getError().getDescription();
            challenge = Problems.challenge(oauth.getError().getErrorCode(), description, null);
            detail = "the bearer token is not valid" + (description == null ? "" : ": " + Problems.safe(description));
        } else {
            challenge = Problems.BEARER_CHALLENGE;
            detail = "a valid bearer token is required";
        }
        return write(exchange, json, Problems.body(DeliveryApiProblem.UNAUTHENTICATED, detail), challenge);
    }

    /**
     * What Spring Security's firewall refuses before any route sees it (a method such as {@code TRACE},
     * an encoded slash or NUL in the path, a header it will not read) is a problem answer like every
     * other refusal; the detail is fixed, as the firewall's own message may quote a header value.
     */
    @Bean
    ServerExchangeRejectedHandler rejectedRequests(ObjectMapper json, MeterRegistry meters) {
        Counter counted = MalformedRequestRefusal.counter(DeliveryApiProblem.REQUEST_REJECTED, meters);
        return (exchange, rejected) -> {
            counted.increment();
            var response = exchange.getResponse();
            if (response.isCommitted()) {
                return Mono.empty();
            }
            ProblemDetail problem = Problems.body(
                    DeliveryApiProblem.REQUEST_REJECTED,
                    "the request's method, URL or a header holds what this service refuses to read");
            response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
            response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        };
    }

    /**
     * What Reactor Netty's HTTP decoder refuses before the firewall or any route (a control character
     * in a header, two {@code Content-Length}s that disagree, a request line or header block over the
     * server's limits, a request line in HTTP/2.0) or in a body a handler waits for (a chunk it cannot
     * read) is a problem answer too: {@code request-rejected} (400), {@code request-line-too-long}
     * (414), {@code request-headers-too-large} (431), {@code chunked-body-malformed} (400), {@code
     * http-version-not-supported} (505), and the connection closes.
     *
     * <p>These refusals and the firewall's ({@link #rejectedRequests}) are counted in {@code
     * pushgate_requests_refused_total{problem}}, by the problem's slug, and never logged one by one: a
     * flood of bad requests is a count, not a flood of log lines.
     */
    @Bean
    NettyServerCustomizer malformedRequestsAsProblems(ObjectProvider<MeterRegistry> meters) {
        MalformedRequestRefusal.Kinds kinds = new MalformedRequestRefusal.Kinds(
                DeliveryApiProblem.REQUEST_REJECTED,
                DeliveryApiProblem.REQUEST_LINE_TOO_LONG,
                DeliveryApiProblem.HEADERS_TOO_LARGE,
                DeliveryApiProblem.CHUNKED_BODY_MALFORMED,
                DeliveryApiProblem.HTTP_VERSION_NOT_SUPPORTED);
        Supplier<MalformedRequestRefusal.Listener> counted = MalformedRequestRefusal.counted(kinds, meters::getObject);
        return server -> server.doOnChannelInit((observer, channel, remote) ->
                MalformedRequestRefusal.install(channel, NettyPipeline.HttpCodec, kinds, counted.get()));
    }

    private static Mono<Void> forbidden(ServerWebExchange exchange, ObjectMapper json) {
        boolean registrations = exchange.getRequest().getPath().value().contains("/device-registrations");
        String scope = registrations ? Scopes.REGISTRATIONS : null;
        return write(
                exchange,
                json,
                Problems.body(
                        DeliveryApiProblem.FORBIDDEN,
                        registrations
                                ? "the token lacks the scope registrations"
                                : "the token's scopes do not allow this action"),
                Problems.challenge("insufficient_scope", "the token lacks the scope this action needs", scope));
    }

    private static Mono<Void> write(
            ServerWebExchange exchange, ObjectMapper json, ProblemDetail problem, String challenge) {
        var response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
