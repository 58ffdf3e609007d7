package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.api.axp.AxpEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AxpEventReaderTests {

    private final AxpEventReader reader = new AxpEventReader();

    @Test
    void readsTheNamedFieldsAndKeepsOthersAsText() {
        var object = reader.object(
                bytes("{\"eventId\":\"e\",\"sessionId\":\"s\",\"eventDate\":\"2024-03-18T11:00:24.481+01:00\","
                        + "\"n\":-1.5e3,\"b\":false,\"gone\":null,\"customerId\":null}"));

        AxpEvent event = reader.event(object);

        assertThat(event.eventDate()).isEqualTo("2024-03-18T11:00:24.481+01:00");
        assertThat(event.customerId()).isNull();
        assertThat(event.otherFields()).containsOnlyKeys("n", "b").containsEntry("b", "false");
    }

    @Test
    void refusesWhatIsNotOneObject() {
        for (String body : new String[] {"", "null", "42", "\"text\"", "[]", "{} {}", "{\"a\":1,\"a\":2}", "{\"a\":"}) {
            assertThatThrownBy(() -> reader.object(bytes(body)))
                    .as(body)
                    .isInstanceOfSatisfying(
                            CallbackRejected.class,
                            rejected -> assertThat(rejected.outcome()).isEqualTo(CallbackOutcome.MALFORMED_JSON));
        }
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertThatThrownBy(() -> reader.object(body)).isInstanceOf(CallbackRejected.class);
    }

    @Test
    void logsUntrustedIdsAsOneQuotedToken() {
        assertThat(CallbackIngress.printable("a\"b\nc\\")).isEqualTo("\"a\\\"b?c\\\\\"");
        assertThat(CallbackIngress.printable(null)).isEqualTo("-");
        assertThat(CallbackIngress.printable("x".repeat(300))).hasSize(128 + 3);
    }

    @Test
    void knowsAWellFormedSignatureWhenItSeesOne() {
        String hex = "163394275f1e73337f114d6156c4ccbf5b44cf2efbbfb239ef6cee3200036d21";
        assertThat(CallbackIngress.isHexSignature(hex)).isTrue();
        assertThat(CallbackIngress.isHexSignature(hex.toUpperCase(java.util.Locale.ROOT)))
                .isTrue();
        assertThat(CallbackIngress.isHexSignature(hex.substring(1))).isFalse();
        assertThat(CallbackIngress.isHexSignature("g" + hex.substring(1))).isFalse();
        assertThat(CallbackIngress.isHexSignature("\uff11" + hex.substring(1))).isFalse();
        assertThat(CallbackIngress.isHexSignature("\u0661" + hex.substring(1))).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
