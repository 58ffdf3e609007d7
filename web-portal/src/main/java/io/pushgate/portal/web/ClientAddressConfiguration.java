package io.pushgate.portal.web;

import io.pushgate.api.net.TrustedProxies;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Who the client of a request is: {@link ClientAddressFilter} with {@code pushgate.trusted-proxies}.
 * An entry that is not an address or a range stops start-up naming it, and so does Spring Boot's own
 * forwarded-header handling ({@code server.forward-headers-strategy} {@code native} or {@code
 * framework}), which believes the header from any peer and would apply before the filter.
 */
@Configuration(proxyBeanMethods = false)
class ClientAddressConfiguration {

    static final String SETTING = "pushgate.trusted-proxies (PUSHGATE_TRUSTED_PROXIES)";
    static final String STRATEGY = "server.forward-headers-strategy";

    @Bean
    ClientAddressFilter clientAddressFilter(ProxySettings settings, Environment environment) {
        String strategy = environment.getProperty(STRATEGY, "none").trim();
        if (!strategy.isEmpty() && !strategy.toLowerCase(Locale.ROOT).equals("none")) {
            throw new IllegalStateException(STRATEGY + " (SERVER_FORWARD_HEADERS_STRATEGY) is '" + strategy
                    + "', which believes X-Forwarded-For from any peer: remove it (or set it to none) and list the proxies in "
                    + SETTING);
        }
        try {
            return new ClientAddressFilter(TrustedProxies.of(settings.trustedProxies()));
        } catch (IllegalArgumentException e) {
            // no cause: the launcher shows a start-up failure's root cause, and this line names the setting
            throw new IllegalStateException(SETTING + ": " + e.getMessage());
        }
    }
}
