package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    @Test
    void otherFieldsAreDroppedBeyondTheBudgetSoTheMessageStaysUnder4KiB() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("eventId", "e-1");
        fields.put("sessionId", "s-1");
        for (int i = 0; i < 10; i++) {
            fields.put("field" + i, "x".repeat(1000));
        }

        Map<String, String> data = FcmMessages.data(fields);

        assertThat(data).containsKeys("eventId", "sessionId").hasSizeLessThan(fields.size());
        int bytes = data.entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().length() + 8)
                .sum();
        assertThat(bytes).isLessThanOrEqualTo(FcmMessages.DATA_BUDGET_BYTES);
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
                "android",
                Map.of(),
                "t",
                "b",
                "c",
                java.time.Instant.now(),
                null);
        assertThat(push.toString()).doesNotContain("abcdefghijklmnopqrstuvwxyz").contains("abcdef…");
    }
}
