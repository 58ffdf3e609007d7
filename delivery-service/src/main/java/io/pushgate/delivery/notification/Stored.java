package io.pushgate.delivery.notification;

import java.util.UUID;

/**
 * What storing an event did, known only after the commit.
 *
 * @param notificationId the row of this event: the new one, or the first one's for a duplicate
 * @param duplicate whether the event was stored before (nothing new was written)
 */
public record Stored(UUID notificationId, boolean duplicate) {}
