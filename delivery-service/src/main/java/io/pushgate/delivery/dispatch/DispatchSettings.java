package io.pushgate.delivery.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How notifications are delivered ({@code pushgate.dispatch.*}).
 *
 * @param enabled whether this instance dispatches at all (the rows wait for another instance if not)
 * @param lease how long a claimed notification belongs to this instance; longer than a send may
 *     take, since after it another instance may send it again
 * @param sweepInterval how often this instance looks for notifications whose lease ran out
 * @param sweepBatchSize the most notifications one sweep claims
 * @param concurrencyPerCredential the most sends in flight per credential; more wait their turn, so a
 *     slow provider of one tenant never holds up another's
 * @param initialBackoff the wait before the first retry; doubled for each further one (with jitter)
 * @param maxBackoff the longest wait between two attempts (a longer {@code Retry-After} still counts)
 * @param stopTimeout how long stopping waits for the sends in flight to be answered and recorded
 * @param maxBatchSize the most registration look-ups, or outcomes, written in one statement (group
 *     commit: concurrent ones go together)
 * @param maxConcurrentBatches the most such statements of each kind under way at once
 * @param maxQueued the most look-ups or outcomes waiting for a statement; more fail at once, and their
 *     notifications wait for their lease to run out
 * @param batchTimeout the longest such a statement may take
 * @param outageHold after the database answers again following an outage, how long no row whose lease
 *     ran out is claimed: each instance first writes the endings of the pushes that were at the
 *     provider when the database went away, which it keeps through the outage (a row taken over
 *     before its ending is written would go out a second time)
 */
@ConfigurationProperties("pushgate.dispatch")
record DispatchSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration sweepInterval,
        @DefaultValue("200") int sweepBatchSize,
        @DefaultValue("32") int concurrencyPerCredential,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("5m") Duration maxBackoff,
        @DefaultValue("15s") Duration stopTimeout,
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("2") int maxConcurrentBatches,
        @DefaultValue("50000") int maxQueued,
        @DefaultValue("10s") Duration batchTimeout,
        @DefaultValue("5s") Duration outageHold) {}
