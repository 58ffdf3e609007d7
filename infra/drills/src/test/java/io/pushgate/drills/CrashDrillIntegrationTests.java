package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The crash drill, short: three delivery-service instances, 200 callbacks/s for 30 s, two {@code kill
 * -9}, each a random delay (up to 5 s) after the platform can take it — with three instances two are
 * ready beside the first victim, so the second kill does not wait for its restart, which takes 36 s on
 * an idle machine and minutes on a busy one —, the first mid-batch of the inbox's grouped insert (the
 * drill holds the inbox's table a moment so that the insert is in flight when its process dies), a 5 s
 * lease so that the killed instances' rows go to the others soon; then both victims must be ready
 * again. The full drill is {@code ./pushgate drill crash} (docs/RELIABILITY.md).
 */
class CrashDrillIntegrationTests {

    @Test
    void everyAcceptedCallbackIsPushedOnceThroughKillsMidBatch() throws Exception {
        // kept after a failure (the platform's logs, the database, the simulator's result) for a look
        Path results = Path.of("target", "crash-drill").toAbsolutePath();
        DrillOptions options = DrillOptions.parse(
                List.of(
                        "--instances", "3",
                        "--rate", "200",
                        "--warmup", "3s",
                        "--duration", "30s",
                        "--sessions", "100",
                        "--kills", "2",
                        "--mid-batch", "1",
                        "--kill-gap", "5s",
                        "--lease", "5s",
                        "--recovery-limit", "300s",
                        // a shared CI machine may take minutes to start five JVMs
                        "--start-timeout", "15m"),
                Path.of(System.getProperty("pushgate.root", "../.."))
                        .toAbsolutePath()
                        .normalize(),
                results);

        DrillResult result = new CrashDrill().run(options);
        System.out.println(result.line());
        System.out.println("  result: " + result.write(results, java.time.Instant.now()));

        Map<String, Object> figures = result.figures();
        assertThat(figures.get("failures")).as(result.line()).isEqualTo(List.of());
        assertThat((Long) figures.get("accepted")).as("accepted").isGreaterThanOrEqualTo(100);
        assertThat((List<?>) figures.get("kills")).as("kills").hasSize(2);
        assertThat((Long) figures.get("killsMidBatch")).as("kills mid-batch").isGreaterThanOrEqualTo(1);
        assertThat(figures.get("lost")).as("lost").isEqualTo(0L);
        assertThat(figures.get("notPushed")).as("accepted, never pushed").isEqualTo(0L);
        assertThat(figures.get("duplicated")).as("pushed twice").isEqualTo(figures.get("duplicatedWithCause"));
        assertThat(figures.get("duplicatedWithDifferentCollapseKeys")).isEqualTo(0L);
        assertThat(figures.get("readyAgainSecondsMax"))
                .as("killed instances ready again")
                .isNotNull();
        assertThat(result.passed()).as(result.line()).isTrue();
    }
}
