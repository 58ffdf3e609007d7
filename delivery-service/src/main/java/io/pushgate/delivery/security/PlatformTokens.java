package io.pushgate.delivery.security;

import java.util.List;
import java.util.UUID;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;

/**
 * Platform tokens (tenant-service's app-client and admin tokens): ES256, {@code iss} = {@code
 * pushgate.security.platform-issuer}, {@code aud} containing {@code pushgate.security.audience},
 * signed by a key of {@code pushgate.security.platform-jwks-uri}; the tenant is the {@code tenant_id}
 * claim.
 */
final class PlatformTokens {

    private PlatformTokens() {}

    static ReactiveAuthenticationManager manager(SecuritySettings settings) {
        JwksSource keys = new JwksSource(
                settings.platformJwksUri(),
                JwksFetcher.unchecked(settings),
                settings.jwksCacheTtl(),
                settings.jwksRefreshInterval());
        String issuer = settings.platformIssuer().toString();
        return TokenVerification.manager(
                keys,
                List.of(SignatureAlgorithm.ES256),
                issuer,
                settings.audience(),
                settings,
                List.of(new JwtClaimValidator<Object>("tenant_id", TokenVerification::isUuid)),
                jwt -> new Caller(
                        UUID.fromString(jwt.getClaimAsString("tenant_id")),
                        jwt.getSubject(),
                        issuer,
                        Caller.Source.PLATFORM));
    }
}
