package io.pushgate.portal.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A range the page offers: its name, words, step and how many points. */
public enum Range {
    HOUR("hour", "Last hour", "1m", ChronoUnit.MINUTES, 60, "minute"),
    DAY("day", "Last day", "1h", ChronoUnit.HOURS, 24, "hour"),
    MONTH("month", "Last 30 days", "1d", ChronoUnit.DAYS, 30, "day");

    final String name;
    final String label;
    final String step;
    final ChronoUnit unit;
    final int points;
    final String per;

    Range(String name, String label, String step, ChronoUnit unit, int points, String per) {
        this.name = name;
        this.label = label;
        this.step = step;
        this.unit = unit;
        this.points = points;
        this.per = per;
    }

    public String getName() {
        return name;
    }

    public String getLabel() {
        return label;
    }

    static Range of(String name) {
        for (Range range : values()) {
            if (range.name.equals(name)) {
                return range;
            }
        }
        return HOUR;
    }

    /** The series' start: {@code points} steps, the last one the step now is in. */
    Instant from(Instant now) {
        return now.truncatedTo(unit).minus(Duration.of(points - 1, unit).toSeconds(), ChronoUnit.SECONDS);
    }
}
