package io.pushgate.delivery.notification;

import java.util.Locale;

/**
 * What one attempt to send a notification came to, as {@code delivery.attempt.outcome} stores it
 * and the read API shows it (its {@linkplain #text() text}). The table's CHECK lists exactly
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

    private final String text = name().toLowerCase(Locale.ROOT);

    /** Its text, as stored and sent, e.g. {@code token_invalid}. */
    public String text() {
        return text;
    }
}
