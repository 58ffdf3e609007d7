package io.pushgate.delivery.notification;

import java.time.Duration;

/**
 * The partitions of {@code delivery.notification} that can still hold a notification to deliver:
 * those received within {@link #WINDOW}. A notification past its delivery window — at most 24 h,
 * tenant-service's ceiling — is finished, so every sweep, claim and write of delivery names this
 * bound on the partition key, and the planner leaves the older partitions out: their cost does not
 * grow with retention. Maintenance expires what an outage left unfinished beyond it.
 */
public final class HotPartitions {

    /** The longest delivery window (24 h) and an hour's margin for a lease and a send in flight. */
    public static final Duration WINDOW = Duration.ofHours(25);

    private HotPartitions() {}

    /** The bound as SQL on {@code alias}'s partition key (a constant: pruned when the plan starts). */
    public static String bound(String alias) {
        return alias + ".received_at > now() - interval '" + WINDOW.toHours() + " hours'";
    }
}
