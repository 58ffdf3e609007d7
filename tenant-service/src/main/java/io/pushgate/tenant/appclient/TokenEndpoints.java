package io.pushgate.tenant.appclient;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.token.TokenAnswer;
import io.pushgate.tenant.token.TokenIssuer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /oauth2/token}: the client_credentials grant (RFC 6749 §4.4) for app clients, with
 * {@code client_secret_basic} or {@code client_secret_post}. Errors are not problem documents but
 * the error answers of <a href="https://datatracker.ietf.org/doc/html/rfc6749#section-5.2">RFC 6749
 * §5.2</a>, {@code {"error": …, "error_description": …}}, with the codes of Spring Security's
 * {@link OAuth2ErrorCodes}: OAuth clients read {@code error}.
 */
@RestController
class TokenEndpoints {

    private static final String CHALLENGE = "Basic realm=\"pushgate\", charset=\"UTF-8\"";

    private final AppClients clients;
    private final TokenIssuer tokens;
    private final AuditLog audit;

    TokenEndpoints(AppClients clients, TokenIssuer tokens, AuditLog audit) {
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
                    for (String parameter : List.of(
                            OAuth2ParameterNames.GRANT_TYPE,
                            OAuth2ParameterNames.SCOPE,
                            OAuth2ParameterNames.CLIENT_ID,
                            OAuth2ParameterNames.CLIENT_SECRET)) {
                        if (form.getOrDefault(parameter, List.of()).size() > 1) {
                            return error(OAuth2ErrorCodes.INVALID_REQUEST, parameter + " is repeated");
                        }
                    }
                    String[] credentials;
                    boolean basic = authorization != null;
                    if (basic) {
                        if (form.containsKey(OAuth2ParameterNames.CLIENT_SECRET)) {
                            return error(
                                    OAuth2ErrorCodes.INVALID_REQUEST, "use one client authentication method, not two");
                        }
                        credentials = basic(authorization);
                        if (credentials == null) {
                            return error(OAuth2ErrorCodes.INVALID_CLIENT, "malformed Basic credentials");
                        }
                    } else {
                        credentials = new String[] {
                            form.getFirst(OAuth2ParameterNames.CLIENT_ID),
                            form.getFirst(OAuth2ParameterNames.CLIENT_SECRET)
                        };
                        if (credentials[0] == null || credentials[1] == null) {
                            return error(OAuth2ErrorCodes.INVALID_CLIENT, "client authentication is required");
                        }
                    }
                    String grantType = form.getFirst(OAuth2ParameterNames.GRANT_TYPE);
                    if (grantType == null) {
                        return error(OAuth2ErrorCodes.INVALID_REQUEST, "grant_type is required");
                    }
                    String clientId = credentials[0];
                    return clients.authenticate(clientId, credentials[1])
                            .flatMap(client -> {
                                if (!grantType.equals(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue())) {
                                    return error(
                                            OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE,
                                            "only client_credentials is supported");
                                }
                                List<String> scopes = scopes(form, client.scopes());
                                if (scopes == null) {
                                    return error(
                                            OAuth2ErrorCodes.INVALID_SCOPE,
                                            "this client may only ask for: " + String.join(" ", client.scopes()));
                                }
                                return tokens.issueForClient(client.tenantId(), client.clientId(), scopes)
                                        .flatMap(token -> audit.append(
                                                        client.tenantId(),
                                                        "app-client:" + clientId,
                                                        AuditAction.OAUTH2_TOKEN,
                                                        "app-client:" + clientId,
                                                        sourceIp,
                                                        true)
                                                .thenReturn(token))
                                        .map(token -> ResponseEntity.ok()
                                                .cacheControl(CacheControl.noStore())
                                                .header("Pragma", "no-cache")
                                                .body((Object) TokenAnswer.of(token, true)));
                            })
                            .switchIfEmpty(Mono.defer(
                                    () -> error(OAuth2ErrorCodes.INVALID_CLIENT, "client authentication failed")));
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
                OAuth2ErrorCodes.INVALID_REQUEST,
                "the token request must be application/x-www-form-urlencoded; "
                        + (type == null || type.isBlank() ? "it had no content type" : "it was " + shown(type)));
    }

    /** A client's header for an error message: at most 100 characters, control characters replaced. */
    private static String shown(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The requested scopes, all the client's when none is asked for; null when one is not allowed. */
    private static List<String> scopes(MultiValueMap<String, String> form, List<String> allowed) {
        String requested = form.getFirst(OAuth2ParameterNames.SCOPE);
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

    /** An RFC 6749 §5.2 error answer; fields in the RFC's order. */
    record TokenError(
            @JsonProperty(OAuth2ParameterNames.ERROR) String error,

            @JsonProperty(OAuth2ParameterNames.ERROR_DESCRIPTION)
            String description) {}

    /**
     * An RFC 6749 §5.2 error answer: {@code invalid_client} is 401 with a Basic challenge, as the
     * client authenticated with Basic or could have; every other code is 400.
     */
    private static Mono<ResponseEntity<Object>> error(String error, String description) {
        boolean challenge = error.equals(OAuth2ErrorCodes.INVALID_CLIENT);
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(
                        challenge ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST)
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .contentType(MediaType.APPLICATION_JSON);
        if (challenge) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        return Mono.just(answer.body(new TokenError(error, description)));
    }
}
