package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider-fault drill, short: each of the seven faults for a few seconds on one tenant's
 * credential while three other tenants send, at 5 callbacks/s each.
 */
class ProviderFaultsDrillIntegrationTests {

    @Test
    @Disabled("never passed yet: in its only run long enough, the platform's APNs clients could not open a connection"
            + " to the drill's APNs emulator ('Stream closed before a reply was received'); see docs/RELIABILITY.md")
    void eachFaultsBacklogDrainsNothingIsLostOrTwiceAndTheOtherTenantKeepsItsLatency(@TempDir Path results)
            throws Exception {
        DrillOptions options = DrillOptions.parse(
                List.of(
                        "--fault-seconds", "4",
                        "--down-seconds", "6",
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
        assertThat((List<?>) result.figures().get("phases")).hasSize(8);
        assertThat(result.figures()).containsEntry("lost", 0L).containsEntry("duplicated", 0L);
        assertThat((Long) result.figures().get("accepted")).isPositive();
        for (Object phase : ((List<?>) result.figures().get("phases")).subList(1, 8)) {
            assertThat(((Map<?, ?>) phase).get("faultedAnswers"))
                    .as(phase.toString())
                    .isNotEqualTo(0L);
        }
    }
}
