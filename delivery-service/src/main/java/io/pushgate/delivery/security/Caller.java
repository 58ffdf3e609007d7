package io.pushgate.delivery.security;

import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/**
 * Who makes a request: the tenant every query is scoped by (from the token: a platform token's
 * {@code tenant_id}, or the tenant that registered the token's trusted issuer; never from a body).
 *
 * @param subject the token's {@code sub}, for logs
 * @param issuer the token's {@code iss}
 */
public record Caller(UUID tenantId, String subject, String issuer, Source source) {

    /** Where the caller's token comes from. */
    enum Source {
        /** tenant-service: an app client's client_credentials token or a member's admin token. */
        PLATFORM,
        /** An identity provider the tenant registered as a trusted issuer. */
        TRUSTED_ISSUER
    }

    /** The authenticated caller of the current request, or empty when it sent no bearer token. */
    public static Mono<Caller> current() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .flatMap(Caller::of);
    }

    private static Mono<Caller> of(Authentication authentication) {
        return authentication instanceof TenantAuthentication tenant && tenant.isAuthenticated()
                ? Mono.just(tenant.caller())
                : Mono.empty();
    }
}
