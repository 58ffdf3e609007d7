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
 * @param refreshTokenIdleTimeout a member's refresh token not used for this long no longer
 *     refreshes (each refresh answers a new one, so a session in use stays signed in)
 * @param refreshTokenMaxLifetime this long after a sign-in, none of its refresh tokens refreshes any
 *     more, used or not: the member signs in again
 * @param refreshTokenPruneInterval how often the families that can no longer refresh are deleted
 *     (one instance at a time; a family is kept for {@code refreshTokenMaxLifetime} after it died)
 */
@ConfigurationProperties("pushgate.tokens")
public record TokenSettings(
        @DefaultValue("pushgate") String audience,
        @DefaultValue("15m") Duration adminTokenLifetime,
        @DefaultValue("15m") Duration clientTokenLifetime,
        @DefaultValue("7d") Duration keyRotationInterval,
        @DefaultValue("30m") Duration refreshTokenIdleTimeout,
        @DefaultValue("12h") Duration refreshTokenMaxLifetime,
        @DefaultValue("1h") Duration refreshTokenPruneInterval) {

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
        if (refreshTokenIdleTimeout.isNegative() || refreshTokenIdleTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "pushgate.tokens.refresh-token-idle-timeout must be positive, not " + refreshTokenIdleTimeout);
        }
        if (refreshTokenMaxLifetime.compareTo(refreshTokenIdleTimeout) < 0) {
            throw new IllegalArgumentException(
                    "pushgate.tokens.refresh-token-max-lifetime must be at least the refresh-token-idle-timeout, not "
                            + refreshTokenMaxLifetime);
        }
        if (refreshTokenPruneInterval.isNegative() || refreshTokenPruneInterval.isZero()) {
            throw new IllegalArgumentException("pushgate.tokens.refresh-token-prune-interval must be positive");
        }
    }

    /** The longest lifetime of any token: how long a retired key stays published. */
    Duration longestLifetime() {
        return adminTokenLifetime.compareTo(clientTokenLifetime) >= 0 ? adminTokenLifetime : clientTokenLifetime;
    }
}
