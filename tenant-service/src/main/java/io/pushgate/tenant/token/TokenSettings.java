package io.pushgate.tenant.token;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Platform tokens.
 *
 * @param audience the {@code aud} of every platform token
 * @param adminTokenLifetime how long a member's token is valid; at most 15 minutes
 * @param clientTokenLifetime how long an app client's token is valid; at most 15 minutes
 * @param keyRotationInterval how long a signing key signs before a new one takes over; the retired
 *     key stays in the JWKS until the last token it signed has expired
 */
@ConfigurationProperties("pushgate.tokens")
public record TokenSettings(
        @DefaultValue("pushgate") String audience,
        @DefaultValue("15m") Duration adminTokenLifetime,
        @DefaultValue("15m") Duration clientTokenLifetime,
        @DefaultValue("7d") Duration keyRotationInterval) {

    static final Duration MAX_LIFETIME = Duration.ofMinutes(15);

    public TokenSettings {
        for (Duration lifetime : new Duration[] {adminTokenLifetime, clientTokenLifetime}) {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException(
                        "pushgate.tokens.*-token-lifetime must be positive and at most 15 minutes, not " + lifetime);
            }
        }
        if (keyRotationInterval.compareTo(MAX_LIFETIME) < 0) {
            throw new IllegalArgumentException("pushgate.tokens.key-rotation-interval must be at least 15 minutes");
        }
    }

    /** The longest lifetime of any token: how long a retired key stays published. */
    Duration longestLifetime() {
        return adminTokenLifetime.compareTo(clientTokenLifetime) >= 0 ? adminTokenLifetime : clientTokenLifetime;
    }
}
