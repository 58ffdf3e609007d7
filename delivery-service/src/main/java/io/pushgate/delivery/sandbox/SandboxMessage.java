package io.pushgate.delivery.sandbox;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A push that "arrived" in the sandbox.
 *
 * @param id the FCM message id the emulator answered with
 * @param message the FCM {@code message} object exactly as the emulator received it
 */
public record SandboxMessage(String id, String deviceToken, JsonNode message, Instant receivedAt) {}
