package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A provider credential: never its material, only what tenant-service shows of it. */
public record Credential(
        UUID id,
        String type,
        String name,
        String fingerprint,
        Map<String, String> metadata,
        Instant createdAt,
        Instant updatedAt) {

    public Credential {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether it sends to Android devices (through FCM): FCM and sandbox credentials. */
    public boolean sendsToAndroid() {
        return "fcm".equals(type) || "sandbox".equals(type);
    }

    /** Whether it can be an iOS default: APNs and sandbox credentials. */
    public boolean sendsToIos() {
        return "apns".equals(type) || "sandbox".equals(type);
    }

    /** The kind in words, e.g. "APNs certificate". */
    public String kind() {
        return switch (type) {
            case "sandbox" -> "Sandbox";
            case "fcm" -> "Firebase Cloud Messaging";
            case "apns" -> "certificate".equals(metadata.get("authentication")) ? "APNs certificate" : "APNs token key";
            default -> type;
        };
    }
}
