package io.pushgate.delivery.stats;

import java.time.Duration;
import java.util.Optional;

/** The width of a series' points, as {@code GET /v1/stats/series?step=} names it. */
enum Step {
    MINUTE("1m", Duration.ofMinutes(1)),
    HOUR("1h", Duration.ofHours(1)),
    DAY("1d", Duration.ofDays(1));

    private final String text;
    private final Duration width;

    Step(String text, Duration width) {
        this.text = text;
        this.width = width;
    }

    String text() {
        return text;
    }

    Duration width() {
        return width;
    }

    static Optional<Step> of(String text) {
        for (Step step : values()) {
            if (step.text.equals(text)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }
}
