package io.pushgate.delivery.callbacklog;

import java.util.List;

/** A page of refused callbacks, newest first; {@code nextCursor} is {@code null} on the last page. */
record RefusedCallbackPage(List<RefusedCallback> items, String nextCursor) {}
