package io.pushgate.delivery.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How delivery-service verifies bearer tokens ({@code pushgate.security.*}).
 *
 * @param platformIssuer the {@code iss} of platform tokens (tenant-service's {@code pushgate.issuer})
 * @param platformJwksUri where tenant-service publishes the platform's signing keys
 * @param audience the {@code aud} every platform token must carry
 * @param clockSkew how far {@code exp} and {@code nbf} may be off
 * @param jwksCacheTtl how long a fetched JWKS is used before it is fetched again
 * @param jwksRefreshInterval the shortest time between two fetches of one JWKS for a token with an
 *     unknown {@code kid} (a flood of forged key ids does not become a flood of fetches)
 * @param jwksTimeout the longest a JWKS fetch may take
 * @param jwksMaxSize the largest JWKS document accepted
 * @param trustedIssuerCacheTtl how long the allow-list of an issuer is used without reading it
 *     again: the bound on staleness when a change notification is lost
 * @param allowLoopbackJwks whether a trusted issuer's JWKS may be fetched from a loopback address
 *     (tests and local demos only; link-local and metadata addresses are refused always)
 * @param jwksAllowedNetworks the private networks (addresses and CIDR ranges in 10/8, 172.16/12,
 *     192.168/16, 100.64/10, fc00::/7) a trusted issuer's JWKS may be fetched from; none by default.
 *     The same setting in tenant-service refuses other private addresses at registration
 */
@ConfigurationProperties("pushgate.security")
record SecuritySettings(
        @DefaultValue("http://localhost:8081") URI platformIssuer,
        @DefaultValue("http://127.0.0.1:8081/oauth2/jwks") URI platformJwksUri,
        @DefaultValue("pushgate") String audience,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("5m") Duration jwksCacheTtl,
        @DefaultValue("10s") Duration jwksRefreshInterval,
        @DefaultValue("3s") Duration jwksTimeout,
        @DefaultValue("256KB") DataSize jwksMaxSize,
        @DefaultValue("60s") Duration trustedIssuerCacheTtl,
        @DefaultValue("false") boolean allowLoopbackJwks,
        List<String> jwksAllowedNetworks) {

    SecuritySettings {
        jwksAllowedNetworks = jwksAllowedNetworks == null ? List.of() : List.copyOf(jwksAllowedNetworks);
    }
}
