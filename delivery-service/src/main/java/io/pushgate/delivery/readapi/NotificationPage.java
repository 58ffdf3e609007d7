package io.pushgate.delivery.readapi;

import java.util.List;

/** A page of a listing, newest first; {@code nextCursor} is {@code null} on the last page. */
record NotificationPage(List<NotificationSummary> items, String nextCursor) {}
