package io.pushgate.delivery.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How often this instance asks its database whether it answers ({@code pushgate.database-check.*}).
 *
 * @param interval time between two checks
 * @param timeout how long one check may take before the database counts as down
 */
@ConfigurationProperties("pushgate.database-check")
record DatabaseCheckSettings(
        @DefaultValue("5s") Duration interval,
        @DefaultValue("2s") Duration timeout) {}
