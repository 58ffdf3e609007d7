package io.pushgate.delivery.configuration;

import java.util.UUID;

/**
 * Something in the control plane's tables changed (a {@code pushgate_tenancy_changed} notification),
 * or may have changed unseen ({@link #everything()}): caches of those tables evict what it makes stale.
 *
 * @param kind what changed, or {@code null} for everything
 * @param id the changed row's id, or {@code null} for everything
 */
public record TenancyChanged(ChangeKind kind, UUID id) {

    /** Notifications may have been missed: every cached row is suspect. */
    public static TenancyChanged everything() {
        return new TenancyChanged(null, null);
    }

    /** Whether rows of {@code kind} may be stale after this change. */
    public boolean concerns(ChangeKind kind) {
        return this.kind == null || this.kind == kind;
    }
}
