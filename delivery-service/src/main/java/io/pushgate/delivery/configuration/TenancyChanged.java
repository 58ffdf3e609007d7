package io.pushgate.delivery.configuration;

import java.util.UUID;

/**
 * The control plane changed a row of {@code tenancy} (published in-process for every {@code
 * pushgate_tenancy_changed} notification): whoever caches that row drops it. {@link #everything()}
 * means notifications may have been missed, so every cached row is stale.
 *
 * @param kind {@code configuration}, {@code credential} or {@code trusted_issuer}; {@code null} for
 *     everything
 * @param id the changed row, {@code null} for everything
 */
public record TenancyChanged(String kind, UUID id) {

    public static TenancyChanged everything() {
        return new TenancyChanged(null, null);
    }

    public boolean isEverything() {
        return kind == null;
    }

    /** Whether cached rows of {@code rowKind} with this {@code rowId} are stale now. */
    public boolean concerns(String rowKind, UUID rowId) {
        return isEverything() || (kind.equals(rowKind) && id.equals(rowId));
    }
}
