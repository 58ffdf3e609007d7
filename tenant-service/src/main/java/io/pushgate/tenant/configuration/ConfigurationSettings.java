package io.pushgate.tenant.configuration;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * AXP configurations.
 *
 * @param secretGracePeriod how long the previous secret keeps verifying after a rotation
 *     ({@code PUSHGATE_CONFIGURATIONS_SECRET_GRACE_PERIOD})
 */
@ConfigurationProperties("pushgate.configurations")
record ConfigurationSettings(@DefaultValue("24h") Duration secretGracePeriod) {}
