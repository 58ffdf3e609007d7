package io.pushgate.tenant.plan;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where {@code GET /v1/plan} finds the data plane's usage ({@code pushgate.plan.*}).
 *
 * @param deliveryServiceUrl delivery-service's address as this service reaches it (inside the
 *     cluster; not the public callback address): its {@code GET /v1/usage} is asked with the
 *     caller's own token
 * @param usageTimeout the longest {@code GET /v1/plan} waits for it; then the plan is answered
 *     without the data plane's usage
 */
@ConfigurationProperties("pushgate.plan")
record PlanSettings(
        @DefaultValue("http://localhost:8080") URI deliveryServiceUrl,
        @DefaultValue("2s") Duration usageTimeout) {}
