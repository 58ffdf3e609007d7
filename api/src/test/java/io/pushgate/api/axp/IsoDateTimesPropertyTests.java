package io.pushgate.api.axp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.IsoDateTimes.Decision;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link IsoDateTimes} against {@link DateTimeFormatter#ISO_DATE_TIME}, over generated texts: it
 * accepts exactly what the formatter parses, and its fast path (not the formatter) decides the
 * shape AXP sends. The generator is seeded (the seed is in every failure's message, and {@code
 * -Dpushgate.test.seed=<seed>} replays it) and plain JUnit: no property-testing library.
 */
class IsoDateTimesPropertyTests {

    private static final long SEED = Long.getLong("pushgate.test.seed", System.nanoTime());

    private static final String[] ZONES = {
        "[UTC]", "[Z]", "[GMT]", "[Europe/Paris]", "[europe/paris]", "[Nowhere/Else]", "[]", "[+01:00]", "[Etc/GMT+1]"
    };

    /** What a mutation puts in: the format's own characters, look-alikes and anything else. */
    private static final String SYMBOLS = "0123456789-+:.,TtZz[]/ \u2212\u0662\uff10";

    private final Random random = new Random(SEED);

    @Test
    void acceptsExactlyWhatTheFormatterAcceptsOnGeneratedTexts() {
        int accepted = 0;
        int acceptedFast = 0;
        for (int i = 0; i < 100_000; i++) {
            Decision decision = agree(candidate());
            accepted += decision.accepted() ? 1 : 0;
            acceptedFast += decision == Decision.ACCEPTED_BY_FAST_PATH ? 1 : 0;
        }
        // the generator must reach both answers and both paths often, or the agreement says little
        // (about 15 % accepted, two thirds of those by the fast path)
        assertThat(accepted).as("seed %d: texts accepted", SEED).isBetween(5_000, 95_000);
        assertThat(acceptedFast)
                .as("seed %d: texts the fast path accepted", SEED)
                .isBetween(2_000, accepted - 2_000);
    }

    @Test
    void acceptsExactlyWhatTheFormatterAcceptsOnEveryFieldsEdges() {
        // February 29th and the days around it in every four-digit year
        for (int year = 0; year <= 9999; year++) {
            for (String day : new String[] {"02-28", "02-29", "02-30", "03-00", "03-01"}) {
                agree(String.format("%04d-%sT12:00:00Z", year, day));
            }
        }
        // every month (and the two beside the range) with days 00 to 32, in years of each kind
        for (int year : new int[] {0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9999}) {
            for (int month = 0; month <= 13; month++) {
                for (int day = 0; day <= 32; day++) {
                    agree(String.format("%04d-%02d-%02dT00:00:00.481Z", year, month, day));
                }
            }
        }
        // times of day at and past their bounds, with and without seconds
        for (int hour = 0; hour <= 25; hour++) {
            for (int minute : new int[] {0, 1, 59, 60, 61, 99}) {
                agree(String.format("2024-03-18T%02d:%02dZ", hour, minute));
                for (int second : new int[] {0, 1, 59, 60, 61, 99}) {
                    agree(String.format("2024-03-18T%02d:%02d:%02d+01:00", hour, minute, second));
                }
            }
        }
        // every offset shape, at and past ±18:00
        for (String sign : new String[] {"+", "-", "\u2212", ""}) {
            for (int hours = 0; hours <= 25; hours++) {
                for (int minutes : new int[] {0, 1, 30, 59, 60}) {
                    String offset = String.format("%s%02d:%02d", sign, hours, minutes);
                    for (String rest : new String[] {"", ":00", ":01", ":59", ":60", ":1", "[UTC]", "Z"}) {
                        agree("2024-03-18T11:00:24.481" + offset + rest);
                        agree("2024-03-18T11:00:24" + offset + rest);
                    }
                    agree(String.format("2024-03-18T11:00:24%s%02d%02d", sign, hours, minutes));
                    agree(String.format("2024-03-18T11:00:24%s%02d", sign, hours));
                    agree(String.format("2024-03-18T11:00:24%s%d:%02d", sign, hours, minutes));
                }
            }
        }
        // fractions of 0 (with and without the point) to 10 digits, before each ending
        for (String ending : new String[] {"Z", "z", "+05:30", "-00:00", "+01:00:30", "", "Z[UTC]", " "}) {
            agree("2024-03-18T11:00:24" + ending);
            for (int digits = 0; digits <= 10; digits++) {
                agree("2024-03-18T11:00:24." + "123456789".repeat(2).substring(0, digits) + ending);
                agree("2024-03-18T11:00:24," + "0".repeat(digits) + ending);
            }
        }
        // signs and lengths of the year, letters' case, separators
        for (String text : new String[] {
            "+2024-03-18T11:00:24Z",
            "-2024-03-18T11:00:24Z",
            "+10000-03-18T11:00:24Z",
            "10000-03-18T11:00:24Z",
            "-0001-03-18T11:00:24Z",
            "-10000-02-29T11:00:24Z",
            "+999999999-12-31T11:00Z",
            "+1000000000-12-31T11:00Z",
            "999-03-18T11:00Z",
            "02024-03-18T11:00Z",
            "2024-03-18t11:00:24Z",
            "2024-03-18T11:00:24z",
            "2024-03-18T11:00:24.481z[UTC]",
            "2024-03-18 11:00:24Z",
            "2024/03/18T11:00:24Z",
            "2024-03-18T11.00.24Z",
            "2024-03-18T11:00:24ZZ",
            "2024-03-18T11:00:24Z ",
            " 2024-03-18T11:00:24Z",
            "2024-03-18T1:00:24Z",
            "2024-3-18T11:00:24Z",
            "2024-03-8T11:00:24Z",
            "\u0662024-03-18T11:00:24Z",
            "2024-03-18T11:00:24.",
            "2024-03-18T11:00:24.Z",
            "2024-03-18T11:00",
            "2024-03-18T11:00:24",
            "2024-03-18",
            "",
            "Z"
        }) {
            agree(text);
        }
    }

    @Test
    void theFastPathDecidesAxpsShape() {
        List<String> fellBack = new ArrayList<>();
        List<String> texts = new ArrayList<>(List.of(
                "2024-03-18T11:00:24.481Z",
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.ofHours(-5)))));
        for (int i = 0; i < 20_000; i++) {
            texts.add(axpShape());
        }
        for (String text : texts) {
            assertThat(formatterAccepts(text))
                    .as("seed %d: the formatter accepts %s", SEED, text)
                    .isTrue();
            if (IsoDateTimes.decide(text) != Decision.ACCEPTED_BY_FAST_PATH) {
                fellBack.add(text);
            }
        }
        assertThat(fellBack)
                .as("seed %d: AXP-shaped dates the formatter decided", SEED)
                .isEmpty();
    }

    /** The check's decision on {@code text}, failing unless it accepts exactly when the formatter does. */
    private static Decision agree(String text) {
        boolean expected = formatterAccepts(text);
        Decision decision = IsoDateTimes.decide(text);
        assertThat(decision.accepted())
                .as(
                        "seed %d: \"%s\" (the formatter %s it; the check decided %s)",
                        SEED, text, expected ? "accepts" : "refuses", decision)
                .isEqualTo(expected);
        assertThat(IsoDateTimes.isDateTime(text))
                .as("seed %d: \"%s\"", SEED, text)
                .isEqualTo(expected);
        return decision;
    }

    private static boolean formatterAccepts(String text) {
        try {
            DateTimeFormatter.ISO_DATE_TIME.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** A valid date-time as AXP sends it: seconds, a fraction of 0–9 digits, {@code Z} or {@code ±HH:mm} within ±18:00. */
    private String axpShape() {
        int year = random.nextInt(4) == 0 ? random.nextInt(10_000) : 1970 + random.nextInt(100);
        int month = 1 + random.nextInt(12);
        int day = 1 + random.nextInt(YearMonth.of(year, month).lengthOfMonth());
        String offset;
        if (random.nextBoolean()) {
            offset = "Z";
        } else {
            int hours = random.nextInt(19);
            int minutes = hours == 18 ? 0 : random.nextInt(60);
            offset = String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", hours, minutes);
        }
        return String.format(
                        "%04d-%02d-%02dT%02d:%02d:%02d",
                        year, month, day, random.nextInt(24), random.nextInt(60), random.nextInt(60))
                + fraction(random.nextInt(10))
                + offset;
    }

    /** AXP's shape with each part now and then out of range, of another length or form, then mutated. */
    private String candidate() {
        if (random.nextInt(4) == 0) {
            return mutate(axpShape());
        }
        String year = year();
        String month =
                oneOf(20, () -> twoDigits(1 + random.nextInt(12)), () -> pick("00", "13", "99", "1", "012", "1a"));
        String day = day(year, month);
        String hour = oneOf(12, () -> twoDigits(random.nextInt(24)), () -> pick("24", "25", "99", "1", "011"));
        String minute = oneOf(12, () -> twoDigits(random.nextInt(60)), () -> pick("60", "61", "99", "5", "005"));
        String second = oneOf(12, () -> twoDigits(random.nextInt(60)), () -> pick("60", "61", "99", "5", "005"));
        StringBuilder text = new StringBuilder()
                .append(year)
                .append(separator('-', "/", " ", ":", ""))
                .append(month)
                .append(separator('-', "/", " ", ""))
                .append(day)
                .append(separator('T', "t", " ", "X", ""))
                .append(hour)
                .append(separator(':', ".", "-", ""))
                .append(minute);
        if (random.nextInt(8) != 0) {
            text.append(separator(':', ".", "-", "")).append(second);
            if (random.nextBoolean()) {
                text.append(random.nextInt(8) == 0 ? "," : ".").append(digits(random.nextInt(11)));
            }
        }
        text.append(offset());
        if (random.nextInt(12) == 0) {
            text.append(pick(ZONES));
        }
        String built = text.toString();
        return random.nextInt(3) == 0 ? mutate(built) : built;
    }

    private String year() {
        return switch (random.nextInt(12)) {
            case 0 -> pick("+", "-", "") + digits(1 + random.nextInt(10));
            case 1 -> String.format("%04d", random.nextInt(10_000));
            case 2 -> pick("0000", "0004", "0100", "0400", "1900", "2000", "2100", "9999");
            default -> Integer.toString(1900 + random.nextInt(250));
        };
    }

    /** A day of the month, at its bounds as often as inside them. */
    private String day(String year, String month) {
        int days = 31;
        try {
            days = YearMonth.of(Integer.parseInt(year), Integer.parseInt(month)).lengthOfMonth();
        } catch (RuntimeException notAYearAndMonth) {
            // any day will do
        }
        return switch (random.nextInt(6)) {
            case 0 -> twoDigits(days);
            case 1 -> twoDigits(days + 1);
            case 2 -> pick("00", "28", "29", "30", "31", "32", "1", "001");
            default -> twoDigits(1 + random.nextInt(days));
        };
    }

    private String offset() {
        String sign = random.nextInt(10) == 0 ? pick("\u2212", "") : pick("+", "-");
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> "Z";
            case 3 -> pick("z", "", "ZZ", "UTC", "GMT");
            case 4 -> String.format("%s%02d:%02d:%02d", sign, random.nextInt(25), minutes(), minutes());
            case 5 ->
                sign + pick("18:00", "18:01", "18:00:00", "18:00:01", "19:00", "00:00", "1:00", "0100", "01", "01:0");
            default -> String.format("%s%02d:%02d", sign, random.nextInt(25), minutes());
        };
    }

    private int minutes() {
        return random.nextInt(5) == 0 ? 59 + random.nextInt(3) : random.nextInt(60);
    }

    private String fraction(int digits) {
        return digits == 0 ? "" : "." + digits(digits);
    }

    /** One or two random edits: a character replaced, inserted or deleted. */
    private String mutate(String text) {
        StringBuilder edited = new StringBuilder(text);
        for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
            int at = random.nextInt(edited.length() + 1);
            char c = random.nextInt(5) == 0
                    ? (char) random.nextInt(Character.MAX_VALUE + 1)
                    : SYMBOLS.charAt(random.nextInt(SYMBOLS.length()));
            switch (random.nextInt(3)) {
                case 0 -> edited.insert(at, c);
                case 1 -> {
                    if (at < edited.length()) {
                        edited.setCharAt(at, c);
                    }
                }
                default -> {
                    if (at < edited.length()) {
                        edited.deleteCharAt(at);
                    }
                }
            }
        }
        return edited.toString();
    }

    private String separator(char usual, String... others) {
        return random.nextInt(25) == 0 ? pick(others) : String.valueOf(usual);
    }

    /** {@code usual} in all but one in {@code odds} draws, else {@code unusual}. */
    private String oneOf(int odds, Supplier<String> usual, Supplier<String> unusual) {
        return random.nextInt(odds) == 0 ? unusual.get() : usual.get();
    }

    private String digits(int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private static String twoDigits(int value) {
        return String.format("%02d", value);
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
