package io.pushgate.emulator;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A message the FCM emulator accepted.
 *
 * <p>The message object is kept as its JSON bytes, not as a tree: the emulator keeps up to 100,000
 * messages, and a tree is dozens of objects each, which every young collection copies until they age
 * out (tens of milliseconds per pause at 2,000 messages/s, inside the JVM of whatever it serves). It
 * is read back into a tree on request, which is rare.
 */
public final class FcmMessage {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final long sequence;
    private final String name;
    private final String projectId;
    private final String deviceToken;
    private final String sentBy;
    private final byte[] message;
    private final Instant receivedAt;
    private final int retainedBytes;

    /**
     * What one kept message costs besides its text: this object, the {@link Instant}, four {@link String}
     * headers and their arrays' headers, the byte array's header and the store's list node (a 64-bit
     * JVM with compressed references), rounded up.
     */
    private static final int OVERHEAD_BYTES = 200;

    /**
     * @param sequence increasing with each accepted message (a cursor for listings)
     * @param name the name FCM answered with, {@code projects/{projectId}/messages/{id}}
     * @param projectId the project of the send URL
     * @param deviceToken the {@code message.token} (or {@code message.fid}) target, or {@code null} for
     *     a topic or condition
     * @param sentBy the client e-mail of the service account whose access token sent it, or {@code
     *     null} for a static (sandbox) token
     * @param message the {@code message} object exactly as received
     * @param receivedAt when the request arrived
     */
    FcmMessage(
            long sequence,
            String name,
            String projectId,
            String deviceToken,
            String sentBy,
            JsonNode message,
            Instant receivedAt) {
        this.sequence = sequence;
        this.name = Objects.requireNonNull(name, "name");
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.deviceToken = deviceToken;
        this.sentBy = sentBy;
        this.message = JSON.writeValueAsBytes(Objects.requireNonNull(message, "message"));
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
        this.retainedBytes = OVERHEAD_BYTES
                + this.message.length
                + 2 * (name.length() + projectId.length() + length(deviceToken) + length(sentBy));
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /**
     * About how many bytes of heap this message keeps alive (an upper estimate: two bytes a character,
     * where the JVM stores Latin-1 text in one): the emulator bounds its store by it.
     */
    public int retainedBytes() {
        return retainedBytes;
    }

    /** Increasing with each accepted message (a cursor for listings). */
    public long sequence() {
        return sequence;
    }

    /** The name FCM answered with, {@code projects/{projectId}/messages/{id}}. */
    public String name() {
        return name;
    }

    /** The project of the send URL. */
    public String projectId() {
        return projectId;
    }

    /** The {@code message.token} (or {@code message.fid}) target; {@code null} for a topic or condition. */
    public String deviceToken() {
        return deviceToken;
    }

    /**
     * The client e-mail of the service account whose access token sent it; {@code null} for a static
     * (sandbox) token.
     */
    public String sentBy() {
        return sentBy;
    }

    /** The message object as received, a copy of its own the caller may change. */
    public JsonNode message() {
        return JSON.readTree(message);
    }

    /** {@code message.data} (a missing node when absent). */
    public JsonNode data() {
        return message().path("data");
    }

    /** When the request arrived. */
    public Instant receivedAt() {
        return receivedAt;
    }

    @Override
    public String toString() {
        return "FcmMessage[sequence=" + sequence + ", name=" + name + ", receivedAt=" + receivedAt + "]";
    }
}
