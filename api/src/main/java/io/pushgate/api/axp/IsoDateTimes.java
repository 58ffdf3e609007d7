package io.pushgate.api.axp;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An event's {@code eventDate} rule: a text {@link DateTimeFormatter#ISO_DATE_TIME} parses, checked
 * first by a fast path for the shape AXP sends, because the formatter's full parse was 4.3 % of the
 * ingress's event loops (docs/PERFORMANCE.md, issue 19, goal 2).
 *
 * <p>The fast path only ever says "valid", and only for {@code yyyy-MM-ddTHH:mm:ss}, an optional
 * fraction of 1–9 digits and an offset {@code Z} or {@code ±HH:mm}, with every field in the range
 * the formatter's strict resolving allows; any other text, or a field out of range, goes to the
 * formatter, so only the formatter refuses and the accepted set stays the formatter's.
 */
final class IsoDateTimes {

    /** Which check decided a text, and what it answered: the fast path only ever accepts. */
    enum Decision {
        ACCEPTED_BY_FAST_PATH,
        ACCEPTED_BY_FORMATTER,
        REFUSED_BY_FORMATTER;

        boolean accepted() {
            return this != REFUSED_BY_FORMATTER;
        }
    }

    private IsoDateTimes() {}

    /** Whether {@code text} is an ISO-8601 date-time as {@link DateTimeFormatter#ISO_DATE_TIME} parses it. */
    static boolean isDateTime(String text) {
        return decide(text).accepted();
    }

    static Decision decide(String text) {
        if (isAxpShapeInRange(text)) {
            return Decision.ACCEPTED_BY_FAST_PATH;
        }
        try {
            DateTimeFormatter.ISO_DATE_TIME.parse(text);
            return Decision.ACCEPTED_BY_FORMATTER;
        } catch (DateTimeParseException e) {
            return Decision.REFUSED_BY_FORMATTER;
        }
    }

    /**
     * True only for {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)} with ASCII digits, a month 1–12, a
     * day within its month (proleptic Gregorian leap years, year 0000 included), hour 0–23, minute and
     * second 0–59 and an offset within ±18:00; false means "not sure", never "invalid".
     */
    private static boolean isAxpShapeInRange(String text) {
        int length = text.length();
        if (length < 20) {
            return false;
        }
        int year = fourDigits(text, 0);
        if (year < 0 || text.charAt(4) != '-') {
            return false;
        }
        int month = twoDigits(text, 5);
        if (month < 1 || month > 12 || text.charAt(7) != '-') {
            return false;
        }
        int day = twoDigits(text, 8);
        if (day < 1 || day > lengthOfMonth(year, month) || text.charAt(10) != 'T') {
            return false;
        }
        int hour = twoDigits(text, 11);
        if (hour < 0 || hour > 23 || text.charAt(13) != ':') {
            return false;
        }
        int minute = twoDigits(text, 14);
        if (minute < 0 || minute > 59 || text.charAt(16) != ':') {
            return false;
        }
        int second = twoDigits(text, 17);
        if (second < 0 || second > 59) {
            return false;
        }
        int at = 19;
        if (text.charAt(at) == '.') {
            int fraction = ++at;
            while (at < length && at - fraction < 9 && isDigit(text.charAt(at))) {
                at++;
            }
            if (at == fraction) {
                return false;
            }
        }
        if (at == length - 1) {
            return text.charAt(at) == 'Z';
        }
        if (at != length - 6 || text.charAt(at + 3) != ':') {
            return false;
        }
        char sign = text.charAt(at);
        int offsetHours = twoDigits(text, at + 1);
        int offsetMinutes = twoDigits(text, at + 4);
        return (sign == '+' || sign == '-')
                && offsetHours >= 0
                && offsetMinutes >= 0
                && ((offsetHours < 18 && offsetMinutes <= 59) || (offsetHours == 18 && offsetMinutes == 0));
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The value of the two ASCII digits at {@code at}, or -1. */
    private static int twoDigits(String text, int at) {
        char tens = text.charAt(at);
        char ones = text.charAt(at + 1);
        return isDigit(tens) && isDigit(ones) ? (tens - '0') * 10 + (ones - '0') : -1;
    }

    /** The value of the four ASCII digits at {@code at}, or -1. */
    private static int fourDigits(String text, int at) {
        int high = twoDigits(text, at);
        int low = twoDigits(text, at + 2);
        return high < 0 || low < 0 ? -1 : high * 100 + low;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
