package io.pushgate.delivery.channel;

import java.util.Map;
import java.util.UUID;

/** A provider credential of {@code tenancy.credential}, its material opened (in memory only, never printed). */
record Credential(UUID id, UUID tenantId, String type, Map<String, String> metadata, String secret) {

    @Override
    public String toString() {
        return "Credential[id=" + id + ", tenantId=" + tenantId + ", type=" + type + "]";
    }
}
