/**
 * The notification store's life cycle (issue 16): the maintenance pass that creates tomorrow's
 * partitions of {@code delivery.notification} and {@code delivery.attempt}, drops the days past
 * retention once nothing in them can still be delivered, expires what an outage left unfinished
 * beyond the hot partitions, and prunes the dedup table — one instance at a time, under an advisory
 * lock.
 */
package io.pushgate.delivery.retention;
