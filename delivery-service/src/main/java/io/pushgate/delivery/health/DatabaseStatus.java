package io.pushgate.delivery.health;

import java.time.Duration;

/**
 * What this instance has last learned of its database from {@link DatabaseCheck}: whether it has
 * answered without a break for some time. Dispatch asks it so that, after an outage, the endings it
 * kept through the outage are written before any instance takes over rows whose lease ran out meanwhile.
 */
public interface DatabaseStatus {

    /**
     * Whether the database has answered every check for at least {@code period}: false while a check
     * goes unanswered and, after an outage, until it has answered again for {@code period}; true from
     * the start until a first check goes unanswered (there was no outage to recover from).
     */
    boolean steadyFor(Duration period);
}
