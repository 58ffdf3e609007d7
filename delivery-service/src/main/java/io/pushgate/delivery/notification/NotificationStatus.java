package io.pushgate.delivery.notification;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a notification is in its life, as {@code delivery.notification.status} stores it and the
 * read API shows it (its {@linkplain #text() text}). The inbox writes {@link #ACCEPTED}; the
 * dispatcher moves a row to {@link #RETRYING} or ends it with one of the final statuses. The
 * table's CHECK lists exactly these names.
 */
public enum NotificationStatus {
    /** Stored; not sent yet. */
    ACCEPTED,
    /** A send failed transiently; the next try is due at the row's {@code lease_until}. */
    RETRYING,
    /** The provider took the push. */
    DELIVERED,
    /** The session has no usable registration: nothing to send to (recorded, not an error). */
    NO_DEVICE,
    /** The provider rejected the device token; its registration was invalidated. */
    TOKEN_INVALID,
    /** No send can succeed without the tenant acting: no or an unusable credential, a refused request, the configuration deleted. */
    FAILED,
    /** The delivery window closed before the provider took the push. */
    EXPIRED;

    private final String text = name().toLowerCase(Locale.ROOT);

    /** Its text, as stored and sent, e.g. {@code no_device}. */
    public String text() {
        return text;
    }

    /** Whether a notification with this status has ended (every status but {@code accepted} and {@code retrying}). */
    public boolean isFinal() {
        return this != ACCEPTED && this != RETRYING;
    }

    /**
     * Whether an owner or admin may re-send a notification that ended so: it ended without the
     * provider taking the push ({@code no_device}, {@code token_invalid}, {@code failed}, {@code
     * expired}); never one still under way nor one delivered.
     */
    public boolean isResendable() {
        return this == NO_DEVICE || this == TOKEN_INVALID || this == FAILED || this == EXPIRED;
    }

    /** The status whose text is {@code text} (exactly), or empty. */
    public static Optional<NotificationStatus> of(String text) {
        for (NotificationStatus status : values()) {
            if (status.text.equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
