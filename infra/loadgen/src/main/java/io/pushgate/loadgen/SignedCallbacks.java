package io.pushgate.loadgen;

import io.pushgate.api.AxpSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Callbacks as AXP sends them: a fresh eventId each, a sessionId from a fixed pool, signed. */
final class SignedCallbacks {

    /** One callback, ready to send. */
    record SignedCallback(String eventId, byte[] body, String signature) {}

    private final String secret;
    private final String[] sessions;

    /** Callbacks over {@code sessionCount} sessions: {@code prefix} + 0, 1, … or, without a prefix, random ids. */
    SignedCallbacks(String secret, int sessionCount, String prefix) {
        this.secret = secret;
        this.sessions = new String[sessionCount];
        for (int i = 0; i < sessionCount; i++) {
            sessions[i] = prefix == null ? UUID.randomUUID().toString() : prefix + i;
        }
    }

    SignedCallback next() {
        String eventId = UUID.randomUUID().toString();
        String sessionId = sessions[ThreadLocalRandom.current().nextInt(sessions.length)];
        String eventDate = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String body = "{\"eventId\":\"" + eventId + "\",\"conversationId\":\"" + UUID.randomUUID()
                + "\",\"customerId\":\"customer-" + sessionId.substring(0, 8) + "\",\"sessionId\":\"" + sessionId
                + "\",\"eventDate\":\"" + eventDate + "\"}";
        return new SignedCallback(
                eventId, body.getBytes(StandardCharsets.UTF_8), AxpSignature.sign(secret, eventId, sessionId));
    }
}
