package io.pushgate.tenant.appclient;

import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.token.TokenAnswer;
import io.pushgate.tenant.token.TokenIssuer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /oauth2/token}: the client_credentials grant (RFC 6749 §4.4) for app clients, with
 * {@code client_secret_basic} or {@code client_secret_post}. Errors are RFC 6749 §5.2 bodies, not
 * problem documents: OAuth clients read {@code error}.
 */
@RestController
class TokenEndpoint {

    private static final String CHALLENGE = "Basic realm=\"pushgate\", charset=\"UTF-8\"";

    private final AppClients clients;
    private final TokenIssuer tokens;
    private final AuditLog audit;

    TokenEndpoint(AppClients clients, TokenIssuer tokens, AuditLog audit) {
        this.clients = clients;
        this.tokens = tokens;
        this.audit = audit;
    }

    @PostMapping(path = "/oauth2/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Mono<ResponseEntity<Object>> token(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String sourceIp = Caller.sourceIp(exchange.getRequest());
        return exchange.getFormData()
                .onErrorMap(DataBufferLimitException.class, ContentTooLargeException::new)
                .flatMap(form -> {
                    for (String parameter : List.of("grant_type", "scope", "client_id", "client_secret")) {
                        if (form.getOrDefault(parameter, List.of()).size() > 1) {
                            return error(HttpStatus.BAD_REQUEST, "invalid_request", parameter + " is repeated", false);
                        }
                    }
                    String[] credentials;
                    boolean basic = authorization != null;
                    if (basic) {
                        if (form.containsKey("client_secret")) {
                            return error(
                                    HttpStatus.BAD_REQUEST,
                                    "invalid_request",
                                    "use one client authentication method, not two",
                                    false);
                        }
                        credentials = basic(authorization);
                        if (credentials == null) {
                            return error(
                                    HttpStatus.UNAUTHORIZED, "invalid_client", "malformed Basic credentials", true);
                        }
                    } else {
                        credentials = new String[] {form.getFirst("client_id"), form.getFirst("client_secret")};
                        if (credentials[0] == null || credentials[1] == null) {
                            return error(
                                    HttpStatus.UNAUTHORIZED,
                                    "invalid_client",
                                    "client authentication is required",
                                    true);
                        }
                    }
                    String grantType = form.getFirst("grant_type");
                    if (grantType == null) {
                        return error(HttpStatus.BAD_REQUEST, "invalid_request", "grant_type is required", false);
                    }
                    String clientId = credentials[0];
                    return clients.authenticate(clientId, credentials[1])
                            .flatMap(client -> {
                                if (!grantType.equals("client_credentials")) {
                                    return error(
                                            HttpStatus.BAD_REQUEST,
                                            "unsupported_grant_type",
                                            "only client_credentials is supported",
                                            false);
                                }
                                List<String> scopes = scopes(form, client.scopes());
                                if (scopes == null) {
                                    return error(
                                            HttpStatus.BAD_REQUEST,
                                            "invalid_scope",
                                            "this client may only ask for: " + String.join(" ", client.scopes()),
                                            false);
                                }
                                return tokens.issueForClient(client.tenantId(), client.clientId(), scopes)
                                        .flatMap(token -> audit.append(
                                                        client.tenantId(),
                                                        "app-client:" + clientId,
                                                        "oauth2.token",
                                                        "app-client:" + clientId,
                                                        sourceIp,
                                                        true)
                                                .thenReturn(token))
                                        .map(token -> ResponseEntity.ok()
                                                .cacheControl(CacheControl.noStore())
                                                .header("Pragma", "no-cache")
                                                .body((Object) TokenAnswer.of(token, true)));
                            })
                            .switchIfEmpty(Mono.defer(() -> error(
                                    HttpStatus.UNAUTHORIZED, "invalid_client", "client authentication failed", true)));
                });
    }

    /**
     * A token request in any other form (JSON, no body, a missing content type): RFC 6749 §4.4.2 asks
     * for form parameters, and an OAuth client reads {@code error}, so it gets {@code invalid_request}
     * rather than a bare 415. The body is not read.
     */
    @PostMapping(path = "/oauth2/token")
    Mono<ResponseEntity<Object>> notAForm(ServerWebExchange exchange) {
        // the header as sent, not parsed: a malformed one must get this answer too, not a 500
        String type = exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        return error(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                "the token request must be application/x-www-form-urlencoded; "
                        + (type == null || type.isBlank() ? "it had no content type" : "it was " + shown(type)),
                false);
    }

    /** A client's header for an error message: at most 100 characters, control characters replaced. */
    private static String shown(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The requested scopes, all the client's when none is asked for; null when one is not allowed. */
    private static List<String> scopes(MultiValueMap<String, String> form, List<String> allowed) {
        String requested = form.getFirst("scope");
        if (requested == null || requested.isBlank()) {
            return allowed;
        }
        List<String> scopes = List.of(requested.strip().split(" +"));
        return allowed.containsAll(scopes) ? scopes : null;
    }

    /** RFC 6749 §2.3.1: Basic with the form-urlencoded client id and secret. */
    private static String[] basic(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Mono<ResponseEntity<Object>> error(
            HttpStatus status, String error, String description, boolean challenge) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .contentType(MediaType.APPLICATION_JSON);
        if (challenge) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        return Mono.just(answer.body(Map.of("error", error, "error_description", description)));
    }
}
