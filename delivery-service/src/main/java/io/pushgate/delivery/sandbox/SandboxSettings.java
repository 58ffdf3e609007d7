package io.pushgate.delivery.sandbox;

import java.net.URI;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where sandbox credentials send ({@code pushgate.sandbox.*}): an FCM emulator, as the standalone
 * launcher starts one. Unset, a sandbox credential's sends fail with {@code sandbox_unavailable}.
 *
 * @param fcmUrl the FCM emulator's base URL (its HTTP v1 endpoint and its control API)
 * @param accessToken the bearer token the emulator was told to accept for every project
 */
@ConfigurationProperties("pushgate.sandbox")
public record SandboxSettings(URI fcmUrl, String accessToken) {

    public boolean isAvailable() {
        return fcmUrl != null && accessToken != null && !accessToken.isBlank();
    }

    /** The Firebase project a tenant's sandbox sends to: how the emulator's messages are told apart by tenant. */
    public static String projectId(UUID tenantId) {
        return "sandbox-" + tenantId;
    }

    @Override
    public String toString() {
        return "SandboxSettings[fcmUrl=" + fcmUrl + "]";
    }
}
