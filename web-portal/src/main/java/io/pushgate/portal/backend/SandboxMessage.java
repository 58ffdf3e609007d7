package io.pushgate.portal.backend;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A push the sandbox (the FCM emulator) received: the FCM message exactly as sent. */
public record SandboxMessage(String id, String deviceToken, JsonNode message, Instant receivedAt) {
    @Override
    public String toString() {
        return "SandboxMessage[id=" + id + "]";
    }
}
