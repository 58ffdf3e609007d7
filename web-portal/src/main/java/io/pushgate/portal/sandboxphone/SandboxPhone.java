package io.pushgate.portal.sandboxphone;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/**
 * A sandbox phone the member started, kept in the session: the device registered for a session id.
 *
 * @param deviceToken the registered token, in full (the page shows it shortened, never in full)
 */
record SandboxPhone(
        String id,
        UUID configurationId,
        String configurationName,
        String sessionId,
        String deviceToken,
        Instant registeredAt)
        implements Serializable {

    /** The token as the page shows it. */
    public String shownToken() {
        return deviceToken.substring(0, 6) + "…(" + deviceToken.length() + " characters)";
    }

    @Override
    public String toString() {
        return "SandboxPhone[id=" + id + ", sessionId=" + sessionId + "]";
    }
}
