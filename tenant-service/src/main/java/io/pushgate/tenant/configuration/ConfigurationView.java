package io.pushgate.tenant.configuration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/** A configuration as the API shows it; {@code secret} only in the answer that creates it. */
record ConfigurationView(
        UUID id,
        String name,
        String callbackUrl,
        String axpConfigurationId,
        boolean enabled,
        NotificationTemplate notificationTemplate,
        boolean openRegistration,
        String deliveryWindow,
        DefaultCredentials defaultCredentials,
        Instant createdAt,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    record NotificationTemplate(String title, String body) {}

    record DefaultCredentials(UUID android, UUID ios) {}

    /** Leaves the secret out: values may be logged (e.g. by codecs at DEBUG). */
    @Override
    public String toString() {
        return "ConfigurationView[id=" + id + ", name=" + name + "]";
    }

    ConfigurationView withSecret(String value) {
        return new ConfigurationView(
                id,
                name,
                callbackUrl,
                axpConfigurationId,
                enabled,
                notificationTemplate,
                openRegistration,
                deliveryWindow,
                defaultCredentials,
                createdAt,
                updatedAt,
                value);
    }
}
