package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider-fault drill, short: each of the nine faults for a few seconds on one tenant's
 * credential while three other tenants send, at 5 callbacks/s each.
 */
class ProviderFaultsDrillIntegrationTests {

    @Test
    void eachFaultsBacklogDrainsNothingIsLostOrTwiceWithoutCauseAndTheOtherTenantKeepsItsLatency() throws Exception {
        // under target/, not a temporary folder: a failed run's work folder (the platform's log) stays
        Path results = Path.of("target", "drill-results").toAbsolutePath();
        DrillOptions options = DrillOptions.parse(
                List.of(
                        "--fault-seconds", "4",
                        "--down-seconds", "6",
                        "--warmup-seconds", "5",
                        "--baseline-seconds", "8",
                        "--rate", "5",
                        "--devices", "5"),
                Path.of(System.getProperty("pushgate.root", "."))
                        .toAbsolutePath()
                        .normalize(),
                results);

        DrillResult result = new ProviderFaultsDrill().run(options);

        System.out.println(result.line());
        assertThat(result.passed()).as(result.line()).isTrue();
        assertThat((List<?>) result.figures().get("phases")).hasSize(10);
        assertThat(result.figures()).containsEntry("lost", 0L);
        // twice only where a send's outcome could not be known (time-out, connection lost before the answer)
        assertThat(result.figures().get("duplicated"))
                .isEqualTo(result.figures().get("duplicatedWithCause"));
        assertThat((Long) result.figures().get("accepted")).isPositive();
        for (Object phase : ((List<?>) result.figures().get("phases")).subList(1, 10)) {
            assertThat(((Map<?, ?>) phase).get("faultedAnswers"))
                    .as(phase.toString())
                    .isNotEqualTo(0L);
        }
    }
}
