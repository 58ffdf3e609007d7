package io.pushgate.tenant.platform;

import java.net.InetSocketAddress;
import java.util.UUID;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who makes a request: the tenant every query is scoped by (always from the token, never from a
 * body), the member, and the source address for the audit log. An endpoint takes it as an argument
 * ({@code Caller caller}), resolved from the authenticated token by {@link CallerArgumentResolver}.
 */
public record Caller(UUID tenantId, UUID memberId, String sourceIp) {

    static Caller of(Jwt jwt, ServerHttpRequest request) {
        String member = jwt.getClaimAsString("member_id");
        return new Caller(
                UUID.fromString(jwt.getClaimAsString("tenant_id")),
                member == null ? null : UUID.fromString(member),
                sourceIp(request));
    }

    /**
     * The caller of a request that the security chain let through with a platform token; empty for
     * any other (no token, the operator's).
     */
    public static Mono<Caller> of(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(principal -> of(((JwtAuthenticationToken) principal).getToken(), exchange.getRequest()));
    }

    /**
     * The client's address: the peer's, or from a trusted proxy the client its {@code X-Forwarded-For}
     * names ({@code pushgate.trusted-proxies}, applied by {@link ClientAddressFilter} before anything else).
     */
    public static String sourceIp(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** The audit log's name for this caller. */
    public String actor() {
        return memberId == null ? "tenant:" + tenantId : "member:" + memberId;
    }
}
