package io.pushgate.tenant.platform;

import java.net.URI;
import java.util.List;
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
 * @param trustedProxies the addresses and CIDR ranges whose {@code X-Forwarded-For} names the
 *     client ({@code PUSHGATE_TRUSTED_PROXIES}, comma-separated); loopback by default, where
 *     {@code ./pushgate up} runs the portal; empty trusts none
 */
@ConfigurationProperties("pushgate")
public record PlatformSettings(
        @DefaultValue("http://localhost:8081") URI issuer,
        @DefaultValue("http://localhost:8080") URI publicBaseUrl,
        String keyset,
        @DefaultValue("64KB") DataSize maxRequestSize,
        @DefaultValue({"127.0.0.0/8", "::1"}) List<String> trustedProxies) {

    /** {@code base} without a trailing slash, so that paths can be appended. */
    public static String withoutTrailingSlash(URI base) {
        String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
