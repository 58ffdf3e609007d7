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
 * @param synthetic whether this is the warm-up's configuration of this process (never a tenant's,
 *     never in the database): its callbacks are rehearsed — stored in a transaction that is rolled
 *     back — and never counted, logged or limited as a tenant's
 */
public record CallbackConfiguration(
        UUID id,
        UUID tenantId,
        boolean enabled,
        String secret,
        String previousSecret,
        Instant previousSecretValidUntil,
        boolean synthetic) {

    /** A tenant's configuration, as {@code tenancy.configuration} holds it. */
    public CallbackConfiguration(
            UUID id,
            UUID tenantId,
            boolean enabled,
            String secret,
            String previousSecret,
            Instant previousSecretValidUntil) {
        this(id, tenantId, enabled, secret, previousSecret, previousSecretValidUntil, false);
    }

    /**
     * The warm-up's configuration {@code id} of the made-up tenant {@code tenantId}, signed with
     * {@code secret}: enabled, without a previous secret.
     */
    public static CallbackConfiguration synthetic(UUID id, UUID tenantId, String secret) {
        return new CallbackConfiguration(id, tenantId, true, secret, null, null, true);
    }

    /**
     * Whether {@code signature} signs {@code eventId} + {@code sessionId} with the current secret,
     * or with the previous one while its grace window is open at {@code now}.
     */
    public boolean isSignedBy(String eventId, String sessionId, String signature, Instant now) {
        return match(eventId, sessionId, signature, now).verified();
    }

    /**
     * Which secret {@code signature} signs {@code eventId} + {@code sessionId} with: the current one,
     * the previous one in its grace window at {@code now}, the previous one after it (refused, but the
     * tenant learns that AXP still has the old secret), or neither. The previous secret is only tried
     * when the current one fails.
     */
    public SecretMatch match(String eventId, String sessionId, String signature, Instant now) {
        if (AxpSignature.verify(secret, eventId, sessionId, signature)) {
            return SecretMatch.CURRENT;
        }
        if (previousSecret == null
                || previousSecretValidUntil == null
                || !AxpSignature.verify(previousSecret, eventId, sessionId, signature)) {
            return SecretMatch.NONE;
        }
        return now.isBefore(previousSecretValidUntil) ? SecretMatch.PREVIOUS : SecretMatch.EXPIRED_PREVIOUS;
    }

    /**
     * The rotation a callback is counted under: the previous secret's end, or {@code null} while there
     * is no previous secret.
     */
    public Instant rotation() {
        return previousSecret == null ? null : previousSecretValidUntil;
    }

    @Override
    public String toString() {
        return "CallbackConfiguration[id=" + id + ", tenantId=" + tenantId + ", enabled=" + enabled
                + (synthetic ? ", synthetic" : "") + "]";
    }
}
