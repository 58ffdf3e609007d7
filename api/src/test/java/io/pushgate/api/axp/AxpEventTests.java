package io.pushgate.api.axp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.api.AxpSignature;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AxpEventTests {

    @Test
    void keepsTheContractsExampleAndSignsItAsAxpDoes() {
        AxpEvent event = new AxpEvent(
                "778af6a9-41f8-4153-a3a1-d913b2911b3b",
                "bf813a5d-2e06-4047-bae2-e01da2f69f7c",
                "1570b603-502e-3dcc-888f-09dda5bd0ea6",
                "customer-id-12345",
                "2024-03-18T11:00:24.481Z",
                Map.of("engagementId", "e-1"));

        assertThat(event.signature("s3cr3t-shared-with-axp"))
                .isEqualTo("163394275f1e73337f114d6156c4ccbf5b44cf2efbbfb239ef6cee3200036d21");
        assertThat(event.fields())
                .containsExactly(
                        Map.entry("eventId", "778af6a9-41f8-4153-a3a1-d913b2911b3b"),
                        Map.entry("sessionId", "bf813a5d-2e06-4047-bae2-e01da2f69f7c"),
                        Map.entry("conversationId", "1570b603-502e-3dcc-888f-09dda5bd0ea6"),
                        Map.entry("customerId", "customer-id-12345"),
                        Map.entry("eventDate", "2024-03-18T11:00:24.481Z"),
                        Map.entry("engagementId", "e-1"));
    }

    @Test
    void countsCharactersNotUtf16Units() {
        String emoji128 = "🔑".repeat(128);
        assertThat(AxpEvent.of(emoji128, "s").eventId()).isEqualTo(emoji128);
        assertThatThrownBy(() -> AxpEvent.of(emoji128 + "x", "s"))
                .isInstanceOf(InvalidAxpEventException.class)
                .hasMessage("eventId must have at most 128 characters");
    }

    @Test
    void namesTheFieldThatBreaksARule() {
        assertThatThrownBy(() -> AxpEvent.of(null, "s")).hasMessage("eventId is required");
        assertThatThrownBy(() -> AxpEvent.of("e", "")).hasMessage("sessionId must not be empty");
        assertThatThrownBy(() -> AxpEvent.of("e\u0000", "s")).hasMessage("eventId must not contain U+0000");
        assertThatThrownBy(() -> AxpEvent.of("e\ud800", "s"))
                .hasMessage("eventId must not contain an unpaired surrogate");
        assertThatThrownBy(() -> new AxpEvent("e", "s", null, null, "18/03/2024", Map.of()))
                .isInstanceOf(InvalidAxpEventException.class)
                .extracting(e -> ((InvalidAxpEventException) e).field())
                .isEqualTo("eventDate");
        assertThatThrownBy(() -> new AxpEvent("e", "s", null, null, null, Map.of("x", "v".repeat(1025))))
                .hasMessage("x must have at most 1024 characters");
    }

    @Test
    void eventDateIsAnyIso8601DateTimeWithOrWithoutOffset() {
        for (String date : new String[] {
            "2024-03-18T11:00:24.481Z", "2024-03-18T11:00:24+01:00", "2024-03-18T11:00:24.481", "2024-03-18T11:00"
        }) {
            assertThat(new AxpEvent("e", "s", null, null, date, Map.of()).eventDate())
                    .isEqualTo(date);
        }
        for (String date : new String[] {"2024-03-18", "1710759624481", "2024-13-18T11:00:24Z", "18/03/2024 11:00"}) {
            assertThatThrownBy(() -> new AxpEvent("e", "s", null, null, date, Map.of()))
                    .hasMessage("eventDate must be an ISO-8601 date-time, such as 2024-03-18T11:00:24.481Z");
        }
    }

    @Test
    void allowsAtMostThirtyTwoFields() {
        Map<String, String> thirty = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            thirty.put("f" + i, "v");
        }
        assertThat(new AxpEvent("e", "s", null, null, null, thirty).fields()).hasSize(32);
        thirty.put("one-more", "v");
        assertThatThrownBy(() -> new AxpEvent("e", "s", null, null, null, thirty))
                .hasMessage("an event has at most 32 fields");
    }

    @Test
    void writesJsonThatEscapesWhatItMust() {
        AxpEvent event = new AxpEvent("é\"v", "s\\1", null, null, null, Map.of("n", "a\nb\u0001"));
        assertThat(event.toJson())
                .isEqualTo("{\"eventId\":\"é\\\"v\",\"sessionId\":\"s\\\\1\",\"n\":\"a\\nb\\u0001\"}");
        assertThat(AxpSignature.verify("k", "é\"v", "s\\1", event.signature("k")))
                .isTrue();
    }
}
