package io.pushgate.portal.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may say who the browser is.
 *
 * @param trustedProxies the addresses and CIDR ranges whose {@code X-Forwarded-For} names the
 *     browser ({@code PUSHGATE_TRUSTED_PROXIES}, comma-separated): the portal sends that address on
 *     to tenant-service, whose sign-in limits count it. Loopback by default; empty trusts none.
 */
@ConfigurationProperties("pushgate")
record ProxySettings(@DefaultValue({"127.0.0.0/8", "::1"}) List<String> trustedProxies) {}
