package io.pushgate.tenant.issuer;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which JWKS URIs a trusted issuer may be registered with ({@code pushgate.security.*}): the same
 * names and meaning as delivery-service's, which fetches them, so that an issuer registered here is
 * one delivery-service will fetch ({@link io.pushgate.api.net.JwksAddresses}).
 *
 * @param allowLoopbackJwks whether a JWKS URI may be on a loopback address or {@code localhost}
 *     (tests and local demos only)
 * @param jwksAllowedNetworks the private networks (addresses and CIDR ranges in 10/8, 172.16/12,
 *     192.168/16, 100.64/10, fc00::/7) a JWKS URI may name; none by default
 */
@ConfigurationProperties("pushgate.security")
record TrustedIssuerSettings(@DefaultValue("false") boolean allowLoopbackJwks, List<String> jwksAllowedNetworks) {

    TrustedIssuerSettings {
        jwksAllowedNetworks = jwksAllowedNetworks == null ? List.of() : List.copyOf(jwksAllowedNetworks);
    }
}
