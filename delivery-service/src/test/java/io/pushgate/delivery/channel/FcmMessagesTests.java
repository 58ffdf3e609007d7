package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.registration.DevicePlatform;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class FcmMessagesTests {

    @Test
    void theNamedAxpFieldsAlwaysGoAndReservedKeysNever() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", "e-1");
        fields.put("sessionId", "s-1");
        fields.put("from", "someone");
        fields.put("google.sent_time", "1");
        fields.put("gcm.notification", "x");
        fields.put("channel", "chat");

        assertThat(FcmMessages.data(fields))
                .containsExactly(
                        Map.entry("eventId", "e-1"), Map.entry("sessionId", "s-1"), Map.entry("channel", "chat"));
    }

    /**
     * FCM refuses a message whose data, as JSON, is over 4096 bytes (the emulator checks the same):
     * measured here as the serialized JSON's UTF-8 bytes, with values that cost more there than their
     * length — multi-byte characters, and quotes and control characters that JSON escapes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"x", "é", "🔑", "\"", "\u0001", "<&>"})
    void otherFieldsAreDroppedBeyondTheBudgetSoTheMessageStaysUnder4KiB(String character) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", "e-1".repeat(40));
        fields.put("sessionId", "s-1".repeat(40));
        fields.put("conversationId", "c".repeat(128));
        fields.put("customerId", "u".repeat(128));
        fields.put("eventDate", "2024-03-18T11:00:24.481Z");
        for (int i = 0; i < 30; i++) {
            fields.put("field" + i, character.repeat(300 / character.length()));
        }

        Map<String, String> data = FcmMessages.data(fields);

        assertThat(data).containsKeys("eventId", "sessionId", "conversationId", "customerId", "eventDate");
        assertThat(data).as("some other fields go, not all").hasSizeBetween(6, fields.size() - 1);
        int bytes = JsonMapper.shared().writeValueAsBytes(data).length;
        assertThat(bytes).isLessThanOrEqualTo(4096);
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertThat(FcmChannel.parseRetryAfter("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(FcmChannel.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(FcmChannel.parseRetryAfter("soon")).isNull();
    }

    @Test
    void aPushNeverPrintsItsDeviceToken() {
        Push push = new Push(
                java.util.UUID.randomUUID(),
                "abcdefghijklmnopqrstuvwxyz",
                DevicePlatform.ANDROID,
                Map.of(),
                "t",
                "b",
                "c",
                java.time.Instant.now(),
                null);
        assertThat(push.toString()).doesNotContain("abcdefghijklmnopqrstuvwxyz").contains("abcdef…");
    }
}
