package io.pushgate.delivery.configuration;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How delivery-service keeps the control plane's configurations ({@code pushgate.configuration.*}).
 *
 * @param cacheTtl the longest a cached configuration is used without being read again: the bound on
 *     staleness when a change notification is lost
 * @param cacheMaximumSize how many callback keys (known and unknown) the cache holds
 * @param listen whether to {@code LISTEN} for the control plane's change notifications
 * @param listenRetryDelay how long to wait before listening again after the connection dropped
 */
@ConfigurationProperties("pushgate.configuration")
record ConfigurationSettings(
        @DefaultValue("60s") Duration cacheTtl,
        @DefaultValue("100000") long cacheMaximumSize,
        @DefaultValue("true") boolean listen,
        @DefaultValue("2s") Duration listenRetryDelay) {}
