package io.pushgate.delivery.callbacklog;

import java.time.Instant;

/**
 * A configuration's secret usage as the API shows it.
 *
 * @param current callbacks the current secret verified since the last rotation
 * @param previous callbacks the previous secret verified since then (in its grace window)
 * @param previousValidUntil when the previous secret stops being accepted; {@code null} without one
 * @param lastPreviousAt when the previous secret last verified a callback; {@code null} if never
 */
record SecretUsageView(long current, long previous, Instant previousValidUntil, Instant lastPreviousAt) {}
