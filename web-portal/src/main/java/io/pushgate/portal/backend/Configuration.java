package io.pushgate.portal.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** An AXP configuration as tenant-service answers it; {@code secret} only in the answer that creates it. */
public record Configuration(
        UUID id,
        String name,
        String callbackUrl,
        String axpConfigurationId,
        boolean enabled,
        Template notificationTemplate,
        boolean openRegistration,
        String deliveryWindow,
        Defaults defaultCredentials,
        Instant createdAt,
        Instant updatedAt,
        String secret) {

    /** What iOS devices show; null texts mean the platform's defaults. */
    public record Template(String title, String body) {}

    /** The credential per platform; null means the tenant's only credential, if it has exactly one. */
    public record Defaults(UUID android, UUID ios) {}

    public Configuration {
        notificationTemplate = notificationTemplate == null ? new Template(null, null) : notificationTemplate;
        defaultCredentials = defaultCredentials == null ? new Defaults(null, null) : defaultCredentials;
    }

    /** The delivery window in whole minutes (at least 1), as the portal's form shows it. */
    public long deliveryWindowMinutes() {
        try {
            return Math.max(1, (Duration.parse(deliveryWindow).toSeconds() + 59) / 60);
        } catch (RuntimeException e) {
            return 10;
        }
    }

    @Override
    public String toString() {
        return "Configuration[id=" + id + ", name=" + name + "]";
    }
}
