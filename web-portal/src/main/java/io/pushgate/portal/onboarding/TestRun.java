package io.pushgate.portal.onboarding;

import java.time.Instant;
import java.util.UUID;

/**
 * One test event the portal sent, kept in the member's session while it is watched.
 *
 * @param device the test device's token, shortened (the full token is shown nowhere)
 * @param callbackStatus the callback URL's HTTP status, 0 when it did not answer
 * @param callbackAnswer what it answered (or why there was no answer), shortened
 */
record TestRun(
        String id,
        UUID configurationId,
        String configurationName,
        String callbackUrl,
        String eventId,
        String sessionId,
        String device,
        int callbackStatus,
        String callbackAnswer,
        Instant startedAt) {

    boolean callbackAccepted() {
        return callbackStatus >= 200 && callbackStatus < 300;
    }
}
