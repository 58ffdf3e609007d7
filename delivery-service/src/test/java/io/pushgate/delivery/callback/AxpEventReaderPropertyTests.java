package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.api.problem.ProblemKind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of the callback body reader (jqwik): whatever the body, it answers an event or its
 * declared rejection — a {@link CallbackRejected} of {@code malformed-json} or {@code invalid-event},
 * each a 400 problem kind — and never any other exception; a well-formed event is read back as sent.
 */
class AxpEventReaderPropertyTests {

    private static final Set<CallbackProblem> DECLARED =
            Set.of(CallbackProblem.MALFORMED_JSON, CallbackProblem.INVALID_EVENT);

    private final AxpEventReader reader = new AxpEventReader();

    @Property(tries = 2000)
    void anyBytesAnEventOrADeclaredRejection(@ForAll @Size(max = 512) byte[] body) {
        readOrRefuse(body);
    }

    @Property(tries = 2000)
    void anyTextAnEventOrADeclaredRejection(@ForAll @StringLength(max = 512) String body) {
        readOrRefuse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 3000)
    void anyJsonAnEventOrADeclaredRejection(@ForAll("jsonObjects") String body) {
        readOrRefuse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void aWellFormedEventIsReadAsSent(
            @ForAll("ids") String eventId,
            @ForAll("ids") String sessionId,
            @ForAll("otherFields") Map<String, String> others) {
        StringBuilder json = new StringBuilder("{\"eventId\":")
                .append(quote(eventId))
                .append(",\"sessionId\":")
                .append(quote(sessionId));
        others.forEach((name, value) ->
                json.append(',').append(quote(name)).append(':').append(quote(value)));
        json.append('}');

        AxpEvent event = reader.event(reader.object(json.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(event.eventId()).isEqualTo(eventId);
        assertThat(event.sessionId()).isEqualTo(sessionId);
        assertThat(event.otherFields()).isEqualTo(others);
    }

    private void readOrRefuse(byte[] body) {
        try {
            AxpEvent event = reader.event(reader.object(body));
            assertThat(event.eventId()).isNotEmpty();
            assertThat(event.sessionId()).isNotEmpty();
            Statistics.collect("event");
        } catch (CallbackRejected rejected) {
            CallbackProblem kind = rejected.kind();
            Statistics.collect(kind.type().toString().substring(ProblemKind.BASE.length()));
            assertThat(DECLARED).contains(kind);
            assertThat(kind.status()).isEqualTo(400);
            assertThat(kind.type().toString()).startsWith(ProblemKind.BASE);
            assertThat(rejected.getMessage()).isNotBlank().hasSizeLessThan(1024);
        }
    }

    @Provide
    Arbitrary<String> jsonObjects() {
        // distinct names: a duplicate is refused as malformed JSON, and has its own variant below
        Arbitrary<String> members = Arbitraries.maps(names(), values())
                .ofMaxSize(16)
                .map(fields -> String.join(
                        ",",
                        fields.entrySet().stream()
                                .map(field -> quote(field.getKey()) + ":" + field.getValue())
                                .toList()));
        // half of them start with the two required ids, so that the reader's accepting path is walked too
        Arbitrary<String> object = Combinators.combine(ids(), ids(), members, Arbitraries.of(true, false))
                .as((eventId, sessionId, inside, withIds) -> {
                    if (!withIds) {
                        return "{" + inside + "}";
                    }
                    boolean clash = inside.contains("\"eventId\":") || inside.contains("\"sessionId\":");
                    return "{\"eventId\":" + quote(eventId) + ",\"sessionId\":" + quote(sessionId)
                            + (inside.isEmpty() || clash ? "" : "," + inside) + "}";
                });
        // now and then the object is broken: cut short, doubled, a duplicate name, wrapped, or followed by garbage
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, object),
                net.jqwik.api.Tuple.of(1, object.map(text -> text.substring(0, text.length() / 2))),
                net.jqwik.api.Tuple.of(1, object.map(text -> text + text)),
                net.jqwik.api.Tuple.of(1, object.map(text -> "{\"a\":1,\"a\":2," + text.substring(1))),
                net.jqwik.api.Tuple.of(1, object.map(text -> "[" + text + "]")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(object, Arbitraries.strings().ofMaxLength(8))
                                .as((text, tail) -> text + tail)));
    }

    private static Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.of("eventId", "sessionId", "conversationId", "customerId", "eventDate", "engagementId"),
                Arbitraries.strings().ofMaxLength(80));
    }

    private static Arbitrary<String> values() {
        Arbitrary<String> scalar = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, wellFormedScalars()),
                // tokens JSON does not have, which a lenient parser would take
                net.jqwik.api.Tuple.of(1, Arbitraries.of("0x10", "NaN", "01", "'a'", "undefined")));
        Arbitrary<String> nested = Arbitraries.oneOf(
                scalar.list().ofMaxSize(3).map(list -> "[" + String.join(",", list) + "]"),
                Combinators.combine(names(), scalar).as((name, value) -> "{" + quote(name) + ":" + value + "}"));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(1, nested));
    }

    private static Arbitrary<String> wellFormedScalars() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(1100).map(AxpEventReaderPropertyTests::quote),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.bigIntegers()
                        .between(
                                new java.math.BigInteger("-1" + "0".repeat(40)),
                                new java.math.BigInteger("1" + "0".repeat(40)))
                        .map(String::valueOf),
                Arbitraries.doubles().map(value -> Double.isFinite(value) ? String.valueOf(value) : "1e999"),
                Arbitraries.of("true", "false", "null", "-0", "1e-400"));
    }

    @Provide
    static Arbitrary<String> ids() {
        return Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(AxpEvent.MAX_ID_LENGTH)
                .filter(text -> !text.isBlank() && wellFormed(text));
    }

    @Provide
    Arbitrary<Map<String, String>> otherFields() {
        Arbitrary<String> name = Arbitraries.strings()
                .alpha()
                .ofMinLength(1)
                .ofMaxLength(AxpEvent.MAX_FIELD_NAME_LENGTH)
                .filter(text -> !AxpEvent.NAMED_FIELDS.contains(text));
        Arbitrary<String> value = Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(64)
                .filter(text -> !text.isBlank() && wellFormed(text));
        return Arbitraries.maps(name, value).ofMaxSize(AxpEvent.MAX_FIELDS - 2);
    }

    /** Text an event takes as it is: no control character, no surrogate (paired or not). */
    private static boolean wellFormed(String text) {
        return text.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c));
    }

    /** {@code text} as a JSON string, every character outside printable ASCII escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
