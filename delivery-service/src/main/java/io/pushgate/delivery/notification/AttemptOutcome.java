package io.pushgate.delivery.notification;

import java.util.Locale;

/**
 * What one attempt to send a notification came to, as {@code delivery.attempt.outcome} stores it
 * and the read API shows it (the {@linkplain #wire() wire name}). The table's CHECK lists exactly
 * these names.
 */
public enum AttemptOutcome {
    /** The provider took the push. */
    DELIVERED,
    /** The provider rejected the device token. */
    TOKEN_INVALID,
    /** The provider refused the credential or the request, or no send was possible (then with latency 0). */
    FAILED,
    /** A transient failure: the notification is tried again while its delivery window is open. */
    RETRY;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The stored and wire name, e.g. {@code token_invalid}. */
    public String wire() {
        return wire;
    }
}
