package io.pushgate.loadgen;

import io.pushgate.api.AxpSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Callbacks as AXP sends them: a fresh eventId each, a sessionId from a fixed pool, signed. */
final class SignedCallbacks {

    /** One callback, ready to send. */
    record SignedCallback(String eventId, byte[] body, String signature) {}

    private final String secret;
    private final String[] sessions;

    /** Callbacks for {@code sessionIds}, or for {@code sessionCount} made-up sessions when there are none. */
    SignedCallbacks(String secret, List<String> sessionIds, int sessionCount) {
        this.secret = secret;
        if (!sessionIds.isEmpty()) {
            this.sessions = sessionIds.toArray(String[]::new);
        } else {
            this.sessions = new String[sessionCount];
            for (int i = 0; i < sessionCount; i++) {
                sessions[i] = UUID.randomUUID().toString();
            }
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
