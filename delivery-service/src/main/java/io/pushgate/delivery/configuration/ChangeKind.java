package io.pushgate.delivery.configuration;

import java.util.Locale;
import java.util.Optional;

/**
 * What changed in the control plane's tables, as the {@code kind} of a {@code
 * pushgate_tenancy_changed} notification names it (the {@linkplain #text() text}): each cache
 * of those tables evicts on the kinds it holds.
 */
public enum ChangeKind {
    /** A row of {@code tenancy.configuration}. */
    CONFIGURATION,
    /** A row of {@code tenancy.credential}. */
    CREDENTIAL,
    /** A row of {@code tenancy.trusted_issuer}. */
    TRUSTED_ISSUER,
    /** A row of {@code tenancy.plan}; the notification's {@code id} is the tenant's. */
    PLAN;

    private final String text = name().toLowerCase(Locale.ROOT);

    /** The name in the notification's payload, e.g. {@code trusted_issuer}. */
    public String text() {
        return text;
    }

    /** The kind named {@code text}, or empty for a kind this service keeps nothing of. */
    public static Optional<ChangeKind> of(String text) {
        for (ChangeKind kind : values()) {
            if (kind.text.equals(text)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
