package io.pushgate.delivery.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The switch log of the {@code redis} backend: the first fall and its return are said at once; a Redis
 * that flaps about once a second (under CPU saturation) gives at most one summary line a minute,
 * counting every further switch; after a quiet minute a new fall is said at once again.
 */
class SwitchLogTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    @Test
    void aFlappingRedisIsSummarizedAtMostOnceAMinuteAndNoSwitchIsLost() {
        SwitchLog log = new SwitchLog(MINUTE);
        List<SwitchLog.Line> lines = new ArrayList<>();
        int switches = 0;
        // three minutes of a fall every second and a return half a second later
        for (long t = 0; t < 180 * SECOND; t += SECOND) {
            add(lines, log.fell(t));
            add(lines, log.returned(t + SECOND / 2));
            switches += 2;
        }
        add(lines, log.due(181 * SECOND));

        assertThat(lines.get(0).kind()).isEqualTo(SwitchLog.Kind.FELL);
        assertThat(lines.get(1).kind()).isEqualTo(SwitchLog.Kind.RETURNED);
        List<SwitchLog.Line> summaries = lines.subList(2, lines.size());
        assertThat(summaries).allSatisfy(line -> assertThat(line.kind()).isEqualTo(SwitchLog.Kind.SUMMARY));
        assertThat(summaries).hasSizeBetween(1, 3);
        int counted = summaries.stream()
                .mapToInt(line -> line.falls() + line.returns())
                .sum();
        assertThat(counted + 2).as("every switch said or counted").isEqualTo(switches);
    }

    @Test
    void summariesAreAMinuteApart() {
        SwitchLog log = new SwitchLog(MINUTE);
        List<Long> said = new ArrayList<>();
        for (long t = 0; t < 300 * SECOND; t += SECOND / 4) {
            SwitchLog.Line line = (t / (SECOND / 4)) % 2 == 0 ? log.fell(t) : log.returned(t);
            if (line.kind() != SwitchLog.Kind.NONE) {
                said.add(t);
            }
        }
        for (int i = 2; i < said.size(); i++) {
            assertThat(said.get(i) - said.get(i - 1)).isGreaterThanOrEqualTo(MINUTE);
        }
    }

    @Test
    void aFallAfterAQuietMinuteIsSaidAtOnce() {
        SwitchLog log = new SwitchLog(MINUTE);
        assertThat(log.fell(0).kind()).isEqualTo(SwitchLog.Kind.FELL);
        assertThat(log.returned(SECOND).kind()).isEqualTo(SwitchLog.Kind.RETURNED);

        assertThat(log.fell(SECOND + MINUTE).kind()).isEqualTo(SwitchLog.Kind.FELL);
        assertThat(log.returned(2 * SECOND + MINUTE).kind()).isEqualTo(SwitchLog.Kind.RETURNED);
    }

    private static void add(List<SwitchLog.Line> lines, SwitchLog.Line line) {
        if (line.kind() != SwitchLog.Kind.NONE) {
            lines.add(line);
        }
    }
}
