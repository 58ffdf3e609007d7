package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database restart drill, short: the drill's own embedded PostgreSQL (never the machine's) stopped
 * for 8 s under 100 callbacks/s and a prober's 10/s, the platform in one JVM (the cheapest in CI; the
 * full drill runs two delivery-service instances, a JVM each). The full drill is
 * {@code ./pushgate drill db-restart} (docs/RELIABILITY.md).
 */
class DatabaseRestartDrillIntegrationTests {

    @TempDir
    Path results;

    @Test
    void onlyRetryable503sWhileTheDatabaseIsDownThenRecoveryAndNothingAcknowledgedLost() throws Exception {
        DrillOptions options = DrillOptions.parse(
                List.of(
                        "--instances", "1",
                        "--rate", "100",
                        "--sessions", "100",
                        "--before", "5s",
                        "--outage", "8s",
                        "--after", "15s",
                        "--answer-limit", "10s",
                        "--recovery-limit", "30s",
                        // a shared CI machine may take minutes to start the platform
                        "--start-timeout", "15m"),
                Path.of(System.getProperty("pushgate.root", "../.."))
                        .toAbsolutePath()
                        .normalize(),
                results);

        DrillResult result = new DatabaseRestartDrill().run(options);
        System.out.println(result.line());

        Map<String, Object> figures = result.figures();
        assertThat(figures.get("failures")).as(result.line()).isEqualTo(List.of());
        assertThat((Integer) figures.get("probesDuringOutage"))
                .as("probes while down")
                .isGreaterThan(10);
        @SuppressWarnings("unchecked")
        Map<String, Long> duringOutage = (Map<String, Long>) figures.get("probeAnswersDuringOutage");
        assertThat(duringOutage.keySet())
                .as("answers while the database was down")
                .containsExactly("503+Retry-After+problem");
        assertThat((Double) figures.get("recoverySeconds"))
                .as("recovery")
                .isNotNull()
                .isLessThanOrEqualTo(30.0);
        assertThat(figures.get("lost")).as("acknowledged, lost").isEqualTo(0L);
        assertThat(figures.get("notPushed")).as("acknowledged, never pushed").isEqualTo(0L);
        assertThat(result.passed()).as(result.line()).isTrue();
    }
}
