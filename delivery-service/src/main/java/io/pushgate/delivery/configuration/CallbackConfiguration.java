package io.pushgate.delivery.configuration;

import io.pushgate.api.AxpSignature;
import java.time.Instant;
import java.util.UUID;

/**
 * One AXP push configuration as the callback path needs it: whose it is, whether it takes
 * callbacks, and the secrets that sign them (in clear, in memory only; never printed).
 *
 * @param previousSecret the secret before the last rotation, or {@code null}
 * @param previousSecretValidUntil when the previous secret stops being accepted, or {@code null}
 */
public record CallbackConfiguration(
        UUID id,
        UUID tenantId,
        boolean enabled,
        String secret,
        String previousSecret,
        Instant previousSecretValidUntil) {

    /**
     * Whether {@code signature} signs {@code eventId} + {@code sessionId} with the current secret,
     * or with the previous one while its grace window is open at {@code now}.
     */
    public boolean isSignedBy(String eventId, String sessionId, String signature, Instant now) {
        if (AxpSignature.verify(secret, eventId, sessionId, signature)) {
            return true;
        }
        return previousSecret != null
                && previousSecretValidUntil != null
                && now.isBefore(previousSecretValidUntil)
                && AxpSignature.verify(previousSecret, eventId, sessionId, signature);
    }

    @Override
    public String toString() {
        return "CallbackConfiguration[id=" + id + ", tenantId=" + tenantId + ", enabled=" + enabled + "]";
    }
}
