package io.pushgate.tenant.platform;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The platform-wide settings of tenant-service.
 *
 * @param issuer the {@code iss} of every platform token and the base of the OAuth endpoints
 *     ({@code PUSHGATE_ISSUER})
 * @param publicBaseUrl delivery-service's public address, the base of every callback URL
 *     ({@code PUSHGATE_PUBLIC_BASE_URL})
 * @param keyset the secrets-at-rest keyset, Tink JSON or a file path ({@code PUSHGATE_KEYSET})
 * @param maxRequestSize the largest request body accepted; larger answers 413
 */
@ConfigurationProperties("pushgate")
public record PlatformSettings(
        @DefaultValue("http://localhost:8081") URI issuer,
        @DefaultValue("http://localhost:8080") URI publicBaseUrl,
        String keyset,
        @DefaultValue("64KB") DataSize maxRequestSize) {

    /** {@code base} without a trailing slash, so that paths can be appended. */
    public static String withoutTrailingSlash(URI base) {
        String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
