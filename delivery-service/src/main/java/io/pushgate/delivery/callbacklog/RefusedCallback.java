package io.pushgate.delivery.callbacklog;

import java.time.Instant;

/**
 * One refused callback as the API shows it.
 *
 * @param sourceIp the client's address (behind trusted proxies, the one they named)
 * @param reason the stable code, {@link RefusalReason#text()}
 * @param hint what to fix in AXP
 */
record RefusedCallback(Instant at, String sourceIp, String reason, String hint) {}
