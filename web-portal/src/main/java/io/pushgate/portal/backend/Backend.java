package io.pushgate.portal.backend;

import io.pushgate.portal.session.SessionEnded;
import io.pushgate.portal.session.SessionSettings;
import io.pushgate.portal.session.Sessions;
import io.pushgate.portal.session.SignedIn;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The portal's client of tenant-service and delivery-service. Calls for a page carry the signed-in
 * member's access token, refreshed when it is about to expire or was refused; without a usable one
 * they fail with {@link SessionEnded}. A problem answer becomes an {@link ApiProblem}; a service that
 * does not answer in time, {@link ApiProblem#UNAVAILABLE}.
 */
@Service
public class Backend {

    private static final Logger log = LoggerFactory.getLogger(Backend.class);

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private final WebClient tenant;
    private final WebClient delivery;
    private final Sessions sessions;
    private final SessionSettings sessionSettings;
    private final BackendSettings settings;
    private final Clock clock;

    Backend(
            WebClient.Builder builder,
            Sessions sessions,
            SessionSettings sessionSettings,
            BackendSettings settings,
            Clock clock) {
        this.tenant =
                builder.clone().baseUrl(settings.tenantServiceUrl().toString()).build();
        this.delivery = builder.clone()
                .baseUrl(settings.deliveryServiceUrl().toString())
                .build();
        this.sessions = sessions;
        this.sessionSettings = sessionSettings;
        this.settings = settings;
        this.clock = clock;
    }

    /** tenant-service's API as the signed-in member of {@code exchange}. */
    public Calls tenant(ServerWebExchange exchange) {
        return new Calls(exchange, tenant, "tenant-service");
    }

    /** delivery-service's API as the signed-in member of {@code exchange}. */
    public Calls delivery(ServerWebExchange exchange) {
        return new Calls(exchange, delivery, "delivery-service");
    }

    /**
     * {@code POST /v1/auth/login}, telling tenant-service the browser's address ({@code
     * X-Forwarded-For}) for its sign-in limits.
     */
    public Mono<SignedIn.Tokens> login(String email, String password, String clientAddress) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        return anonymous(HttpMethod.POST, "/v1/auth/login", body, clientAddress).map(this::tokens);
    }

    /** {@code POST /v1/signup}, with the browser's address as for {@link #login}. */
    public Mono<Void> signUp(String tenantName, String email, String password, String clientAddress) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantName", tenantName);
        body.put("email", email);
        body.put("password", password);
        return anonymous(HttpMethod.POST, "/v1/signup", body, clientAddress).then();
    }

    /** {@code POST /v1/auth/logout}: the refresh token (and its family) stops working; failures only logged. */
    public Mono<Void> logout(String refreshToken) {
        if (refreshToken == null) {
            return Mono.empty();
        }
        return anonymous(HttpMethod.POST, "/v1/auth/logout", Map.of("refresh_token", refreshToken), null)
                .then()
                .onErrorResume(error -> {
                    log.warn("Signing out: tenant-service did not revoke the refresh token: {}", error.getMessage());
                    return Mono.empty();
                });
    }

    /**
     * {@code POST /v1/auth/refresh}: new tokens for a refresh token, each used once. A refused one
     * (spent, expired, revoked: 401) ends the session.
     */
    Mono<SignedIn.Tokens> refresh(String refreshToken) {
        return anonymous(HttpMethod.POST, "/v1/auth/refresh", Map.of("refresh_token", refreshToken), null)
                .map(this::tokens)
                .onErrorMap(
                        problem -> problem instanceof ApiProblem api && (api.status() == 401 || api.status() == 400),
                        problem -> new SessionEnded("the platform refused the refresh token"));
    }

    private SignedIn.Tokens tokens(Map<String, Object> answer) {
        Object expiresIn = answer.get("expires_in");
        long seconds = expiresIn instanceof Number number ? number.longValue() : 0;
        Object refresh = answer.get("refresh_token");
        return new SignedIn.Tokens(
                String.valueOf(answer.get("access_token")),
                refresh instanceof String text && !text.isEmpty() ? text : null,
                clock.instant().plusSeconds(seconds));
    }

    private Mono<Map<String, Object>> anonymous(
            HttpMethod method, String path, Map<String, Object> body, String clientAddress) {
        return tenant.method(method)
                .uri(path)
                .headers(headers -> {
                    if (clientAddress != null) {
                        headers.set("X-Forwarded-For", clientAddress);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(JSON_OBJECT).defaultIfEmpty(Map.of())
                        : problem(response))
                .timeout(settings.apiTimeout())
                .onErrorMap(error -> !(error instanceof ApiProblem), error -> unavailable("tenant-service", error));
    }

    static <T> Mono<T> problem(ClientResponse response) {
        int status = response.statusCode().value();
        String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        Long retry = null;
        if (retryAfter != null) {
            try {
                retry = Long.parseLong(retryAfter.strip());
            } catch (NumberFormatException notSeconds) {
                // an HTTP date: shown without it
            }
        }
        Long retryAfterSeconds = retry;
        return response.bodyToMono(JSON_OBJECT)
                .onErrorResume(notJson -> Mono.empty())
                .defaultIfEmpty(Map.of())
                .flatMap(body -> Mono.error(new ApiProblem(
                        status,
                        text(body.get("type")),
                        text(body.get("field")),
                        text(body.get("detail")),
                        retryAfterSeconds)));
    }

    private static String text(Object value) {
        return value instanceof String text ? text : null;
    }

    private static ApiProblem unavailable(String service, Throwable error) {
        if (error instanceof SessionEnded ended) {
            throw ended;
        }
        log.warn(
                "{} did not answer: {}",
                service,
                error instanceof TimeoutException
                        ? "no answer in time"
                        : error instanceof WebClientRequestException request ? request.getMessage() : error.toString());
        return ApiProblem.unavailable(service);
    }

    /** A 401 from a backend for a token it refused: the session's token is refreshed once, then it ends. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused() {
            super("token refused", null, false, false);
        }
    }

    /** Calls to one backend as the signed-in member of one request. */
    public final class Calls {

        private final ServerWebExchange exchange;
        private final WebClient client;
        private final String service;

        Calls(ServerWebExchange exchange, WebClient client, String service) {
            this.exchange = exchange;
            this.client = client;
            this.service = service;
        }

        public <T> Mono<T> get(Class<T> type, String uri, Object... variables) {
            return call(HttpMethod.GET, null, ParameterizedTypeReference.forType(type), uri, variables);
        }

        public <T> Mono<T> get(ParameterizedTypeReference<T> type, String uri, Object... variables) {
            return call(HttpMethod.GET, null, type, uri, variables);
        }

        /** A call answered with a body of {@code type} ({@code body} may be null: none is sent). */
        public <T> Mono<T> send(HttpMethod method, Object body, Class<T> type, String uri, Object... variables) {
            return call(method, body, ParameterizedTypeReference.forType(type), uri, variables);
        }

        /** A call whose answer's body does not matter. */
        public Mono<Void> send(HttpMethod method, Object body, String uri, Object... variables) {
            return call(method, body, null, uri, variables).then();
        }

        private <T> Mono<T> call(
                HttpMethod method, Object body, ParameterizedTypeReference<T> type, String uri, Object... variables) {
            return sessions.current(exchange)
                    .switchIfEmpty(Mono.error(() -> new SessionEnded("not signed in")))
                    .flatMap(signedIn -> signedIn.accessToken(
                                    clock.instant(), sessionSettings.refreshAhead(), Backend.this::refresh)
                            .flatMap(token -> attempt(token, method, body, type, uri, variables)
                                    .onErrorResume(
                                            Refused.class,
                                            refused -> signedIn.afterRejection(token, Backend.this::refresh)
                                                    .flatMap(
                                                            fresh -> attempt(fresh, method, body, type, uri, variables))
                                                    .onErrorMap(
                                                            Refused.class,
                                                            again -> new SessionEnded(
                                                                    "the platform refused a fresh token")))));
        }

        private <T> Mono<T> attempt(
                String token,
                HttpMethod method,
                Object body,
                ParameterizedTypeReference<T> type,
                String uri,
                Object... variables) {
            WebClient.RequestBodySpec request =
                    client.method(method).uri(uri, variables).headers(headers -> headers.setBearerAuth(token));
            WebClient.RequestHeadersSpec<?> ready = body == null
                    ? request
                    : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
            return ready.exchangeToMono(response -> {
                        if (response.statusCode().value() == 401) {
                            return response.releaseBody().then(Mono.error(new Refused()));
                        }
                        if (!response.statusCode().is2xxSuccessful()) {
                            return problem(response);
                        }
                        return type == null ? response.releaseBody().then(Mono.<T>empty()) : response.bodyToMono(type);
                    })
                    .timeout(settings.apiTimeout())
                    .onErrorMap(
                            error -> !(error instanceof ApiProblem
                                    || error instanceof Refused
                                    || error instanceof SessionEnded),
                            error -> unavailable(service, error));
        }
    }
}
