package io.pushgate.delivery.registration;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Device registrations ({@code pushgate.registration.*}).
 *
 * @param idleExpiry a registration expires this long after it was last registered (each PUT renews it)
 * @param retention how long expired and invalidated registrations are kept before maintenance deletes
 *     them (every {@code pushgate.retention.interval})
 * @param timeout the longest a read or write of the store may take before the answer is 503
 * @param retryAfter what a 503 tells the caller to wait ({@code Retry-After})
 * @param maxBodySize the largest request body read
 * @param openPerIpLimit registrations without a token (open mode) per client address per {@code
 *     openLimitPeriod}; every unauthenticated call counts
 * @param openPerConfigurationLimit registrations without a token per configuration per {@code openLimitPeriod}
 * @param openLimitPeriod the window of both open-registration limits
 */
@ConfigurationProperties("pushgate.registration")
record RegistrationSettings(
        @DefaultValue("30d") Duration idleExpiry,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("16KB") DataSize maxBodySize,
        @DefaultValue("30") long openPerIpLimit,
        @DefaultValue("600") long openPerConfigurationLimit,
        @DefaultValue("1m") Duration openLimitPeriod) {}
