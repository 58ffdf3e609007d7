package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.api.problem.ProblemKind;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Properties of the callback body reader, over generated bodies: whatever the body, it answers an
 * event or its declared rejection — a {@link CallbackRejected} of {@code malformed-json} or {@code
 * invalid-event}, each a 400 problem kind — and never any other exception; a well-formed event is
 * read back as sent. The generator is seeded (the seed is in every failure's message, so a failure
 * can be replayed) and plain JUnit: no property-testing library.
 */
class AxpEventReaderPropertyTests {

    private static final long SEED = Long.getLong("pushgate.test.seed", System.nanoTime());

    private static final Set<CallbackProblem> DECLARED =
            Set.of(CallbackProblem.MALFORMED_JSON, CallbackProblem.INVALID_EVENT);

    private static final String[] KNOWN_NAMES = {
        "eventId", "sessionId", "conversationId", "customerId", "eventDate", "engagementId"
    };

    private final AxpEventReader reader = new AxpEventReader();
    private final Random random = new Random(SEED);

    @Test
    void anyBytesAnEventOrADeclaredRejection() {
        for (int i = 0; i < 2000; i++) {
            byte[] body = new byte[random.nextInt(513)];
            random.nextBytes(body);
            readOrRefuse(body, () -> "bytes " + HexFormat.of().formatHex(body));
        }
    }

    @Test
    void anyTextAnEventOrADeclaredRejection() {
        for (int i = 0; i < 2000; i++) {
            String body = text(512);
            readOrRefuse(body.getBytes(StandardCharsets.UTF_8), () -> "text " + quote(body));
        }
    }

    @Test
    void anyJsonAnEventOrADeclaredRejection() {
        for (int i = 0; i < 3000; i++) {
            String body = jsonObject();
            readOrRefuse(body.getBytes(StandardCharsets.UTF_8), () -> "json " + body);
        }
    }

    @Test
    void aWellFormedEventIsReadAsSent() {
        for (int i = 0; i < 1000; i++) {
            String eventId = id();
            String sessionId = id();
            Map<String, String> others = otherFields();
            StringBuilder json = new StringBuilder("{\"eventId\":")
                    .append(quote(eventId))
                    .append(",\"sessionId\":")
                    .append(quote(sessionId));
            others.forEach((name, value) ->
                    json.append(',').append(quote(name)).append(':').append(quote(value)));
            json.append('}');

            AxpEvent event = reader.event(reader.object(json.toString().getBytes(StandardCharsets.UTF_8)));

            String replay = "seed " + SEED + ", body " + json;
            assertThat(event.eventId()).as(replay).isEqualTo(eventId);
            assertThat(event.sessionId()).as(replay).isEqualTo(sessionId);
            assertThat(event.otherFields()).as(replay).isEqualTo(others);
        }
    }

    private void readOrRefuse(byte[] body, java.util.function.Supplier<String> shown) {
        String replay = "seed " + SEED;
        try {
            AxpEvent event = reader.event(reader.object(body));
            assertThat(event.eventId()).as(replay).isNotEmpty();
            assertThat(event.sessionId()).as(replay).isNotEmpty();
        } catch (CallbackRejected rejected) {
            CallbackProblem kind = rejected.kind();
            assertThat(DECLARED).as(replay).contains(kind);
            assertThat(kind.status()).isEqualTo(400);
            assertThat(kind.type().toString()).startsWith(ProblemKind.BASE);
            assertThat(rejected.getMessage()).as(replay).isNotBlank().hasSizeLessThan(1024);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(replay + ": " + shown.get() + " ended in " + e, e);
        }
    }

    /** A JSON object, sometimes with the two required ids first, and now and then broken. */
    private String jsonObject() {
        List<String> members = new ArrayList<>();
        // distinct names: a duplicate is refused as malformed JSON, and has its own variant below
        Map<String, String> fields = new LinkedHashMap<>();
        for (int n = random.nextInt(17); n > 0; n--) {
            fields.put(name(), value());
        }
        fields.forEach((name, value) -> members.add(quote(name) + ":" + value));
        String inside = String.join(",", members);
        String object;
        if (random.nextBoolean()) {
            object = "{" + inside + "}";
        } else {
            // the reader's accepting path is walked too
            boolean clash = inside.contains("\"eventId\":") || inside.contains("\"sessionId\":");
            object = "{\"eventId\":" + quote(id()) + ",\"sessionId\":" + quote(id())
                    + (inside.isEmpty() || clash ? "" : "," + inside) + "}";
        }
        List<Function<String, String>> breaks = List.of(
                text -> text.substring(0, text.length() / 2),
                text -> text + text,
                text -> "{\"a\":1,\"a\":2," + text.substring(1),
                text -> "[" + text + "]",
                text -> text + text(8));
        return random.nextInt(17) < 12
                ? object
                : breaks.get(random.nextInt(breaks.size())).apply(object);
    }

    private String name() {
        return random.nextBoolean() ? KNOWN_NAMES[random.nextInt(KNOWN_NAMES.length)] : text(80);
    }

    private String value() {
        if (random.nextInt(7) == 0) {
            return random.nextBoolean()
                    ? "[" + String.join(",", List.of(scalar(), scalar()).subList(0, random.nextInt(3))) + "]"
                    : "{" + quote(name()) + ":" + scalar() + "}";
        }
        return scalar();
    }

    private String scalar() {
        if (random.nextInt(31) == 0) {
            // tokens JSON does not have, which a lenient parser would take
            return List.of("0x10", "NaN", "01", "'a'", "undefined").get(random.nextInt(5));
        }
        return switch (random.nextInt(5)) {
            case 0 -> quote(text(1100));
            case 1 -> String.valueOf(random.nextInt());
            case 2 -> new BigInteger(random.nextInt(140) + 1, random).negate().toString();
            case 3 -> {
                double value = Double.longBitsToDouble(random.nextLong());
                yield Double.isFinite(value) ? String.valueOf(value) : "1e999";
            }
            default -> List.of("true", "false", "null", "-0", "1e-400").get(random.nextInt(5));
        };
    }

    /** Any text up to {@code max} characters: ASCII, other planes, control characters and lone surrogates. */
    private String text(int max) {
        int length = random.nextInt(max + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(
                    switch (random.nextInt(4)) {
                        case 0, 1 -> (char) (0x20 + random.nextInt(0x5f));
                        case 2 -> (char) random.nextInt(0x20);
                        default -> (char) random.nextInt(Character.MAX_VALUE + 1);
                    });
        }
        return text.toString();
    }

    /** An id an event takes as it is: 1 to MAX_ID_LENGTH characters, not blank, well-formed. */
    private String id() {
        int length = 1 + random.nextInt(AxpEvent.MAX_ID_LENGTH);
        StringBuilder id = new StringBuilder(length);
        while (id.length() < length) {
            char c = random.nextInt(4) < 3 ? (char) (0x21 + random.nextInt(0x5e)) : (char) random.nextInt(0xd800);
            if (!Character.isISOControl(c)) {
                id.append(c);
            }
        }
        return id.toString();
    }

    private Map<String, String> otherFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int n = random.nextInt(AxpEvent.MAX_FIELDS - 1); n > 0; n--) {
            StringBuilder name = new StringBuilder();
            for (int length = 1 + random.nextInt(AxpEvent.MAX_FIELD_NAME_LENGTH); length > 0; length--) {
                name.append((char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
            }
            if (AxpEvent.NAMED_FIELDS.contains(name.toString())) {
                continue;
            }
            String value;
            do {
                value = text(64);
            } while (value.isEmpty() || value.isBlank() || !wellFormed(value));
            fields.put(name.toString(), value);
        }
        return fields;
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
