package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz drill, short: 3,000 generated requests (a fixed seed, so a failure here replays with
 * {@code ./pushgate drill fuzz --seed 20261206 --cases 3000}) against a platform of its own. Every
 * property of the full drill must hold, none excepted: no 5xx, an answer to every request within the
 * time-out, every refusal problem+json of a published type — those of requests that are not
 * well-formed HTTP/1.1 among them (a control character in a header, a request line over 4 KiB, a
 * header block over 8 KiB), which the seed's cases include.
 */
class FuzzDrillIntegrationTests {

    @Test
    void noRequestGetsA500OrHangsAndEveryRefusalIsAProblem(@TempDir Path results) throws Exception {
        DrillOptions options = DrillOptions.parse(
                List.of("--cases", "3000", "--seed", "20261206", "--connections", "3"),
                Path.of(System.getProperty("pushgate.root", "."))
                        .toAbsolutePath()
                        .normalize(),
                results);

        DrillResult result = new FuzzDrill().run(options);

        System.out.println(result.line());
        assertThat((Map<?, ?>) result.figures().get("failureKinds"))
                .as(result.line())
                .isEmpty();
        assertThat(result.figures().get("cases")).isEqualTo(3_000);
        assertThat((List<?>) result.figures().get("probeFailures")).isEmpty();
        assertThat(result.figures().get("heapFlat")).isEqualTo(true);
        assertThat((Integer) result.figures().get("chunked413")).isPositive();
        assertThat(result.figures().get("chunked413Closed"))
                .isEqualTo(result.figures().get("chunked413"));
        assertThat(((Map<?, ?>) result.figures().get("problemTypes"))
                        .keySet().stream().map(String::valueOf).toList())
                .as("the decoder's refusals were met, and answered as problems")
                .contains("request-rejected", "request-line-too-long", "request-headers-too-large");
        assertThat(result.passed()).as(result.line()).isTrue();
    }
}
