package io.pushgate.delivery.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the inbox writes ({@code pushgate.inbox.*}).
 *
 * @param timeout the longest an event may wait for its commit (queue included) before the caller is
 *     told the inbox is unavailable
 * @param maxBatchSize the most events written by one insert
 * @param maxConcurrentBatches the most inserts in flight at once (keep below the pool size)
 * @param maxQueued the most events waiting for an insert; more are refused at once
 * @param lease how long the accepting instance alone may dispatch a new notification; after it any
 *     instance's sweeper takes it (what a crash between the commit and the push costs in delay)
 */
@ConfigurationProperties("pushgate.inbox")
record InboxSettings(
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("4") int maxConcurrentBatches,
        @DefaultValue("20000") int maxQueued,
        @DefaultValue("30s") Duration lease) {}
