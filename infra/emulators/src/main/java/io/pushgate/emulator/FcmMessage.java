package io.pushgate.emulator;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A message the FCM emulator accepted.
 *
 * @param sequence increasing with each accepted message (a cursor for listings)
 * @param name the name FCM answered with, {@code projects/{projectId}/messages/{id}}
 * @param projectId the project of the send URL
 * @param deviceToken the {@code message.token} (or {@code message.fid}) target, or {@code null} for a topic
 *     or condition
 * @param message the {@code message} object exactly as received (a private copy)
 * @param receivedAt when the request arrived
 */
public record FcmMessage(
        long sequence, String name, String projectId, String deviceToken, JsonNode message, Instant receivedAt) {

    public FcmMessage {
        message = message.deepCopy();
    }

    /** The message object as received, a copy the caller may change. */
    @Override
    public JsonNode message() {
        return message.deepCopy();
    }

    /** {@code message.data} (a missing node when absent). */
    public JsonNode data() {
        return message.path("data").deepCopy();
    }
}
