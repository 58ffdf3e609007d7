package io.pushgate.portal.backend;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the portal finds the two services it fronts.
 *
 * @param tenantServiceUrl base URL of tenant-service
 * @param deliveryServiceUrl base URL of delivery-service
 * @param timeout how long a readiness probe of either may take before the portal calls it unreachable
 * @param apiTimeout how long an API call to either may take (a sign-in hashes a password)
 */
@ConfigurationProperties("pushgate.portal")
public record BackendSettings(
        @DefaultValue("http://localhost:8081") URI tenantServiceUrl,
        @DefaultValue("http://localhost:8080") URI deliveryServiceUrl,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("15s") Duration apiTimeout) {}
