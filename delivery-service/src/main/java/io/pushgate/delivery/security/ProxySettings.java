package io.pushgate.delivery.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may say who the client is.
 *
 * @param trustedProxies the addresses and CIDR ranges whose {@code X-Forwarded-For} names the client
 *     ({@code PUSHGATE_TRUSTED_PROXIES}, comma-separated): the per-address limits of open
 *     registration count that client. Loopback by default (the launcher's front); empty trusts none.
 */
@ConfigurationProperties("pushgate")
record ProxySettings(@DefaultValue({"127.0.0.0/8", "::1"}) List<String> trustedProxies) {}
