package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz drill, short: 3,000 generated requests (a fixed seed, so a failure here replays with
 * {@code ./pushgate drill fuzz --seed 20261206 --cases 3000}) against a platform of its own.
 *
 * <p>One known gap is allowed here, and only it: requests that are not well-formed HTTP/1.1 (a control
 * character or bare line break in a header value, two disagreeing {@code Content-Length}s, a header
 * block over 8 KiB, a request line over 4 KiB) are refused by Reactor Netty's HTTP decoder before any
 * of Pushgate's code sees them, with a bare 400/431/414 and a closed connection, not problem+json (see
 * docs/RELIABILITY.md). The full drill counts them as failures; everything else must hold here.
 */
@Disabled(
        "not green yet (2026-12-06, seed 20261206, 3,000 cases, idle machine): 19 requests got no answer within the 10 s timeout and 7 got a 404 with an empty problem type, beside the known transport refusals; not triaged (a request that promises a body it does not send is waited for by design); ./pushgate drill fuzz runs the drill")
class FuzzDrillIntegrationTests {

    @Test
    void noRequestGetsA500OrHangsAndEveryRefusalPastTheHttpDecoderIsAProblem(@TempDir Path results) throws Exception {
        DrillOptions options = DrillOptions.parse(
                List.of("--cases", "3000", "--seed", "20261206", "--connections", "3"),
                Path.of(System.getProperty("pushgate.root", "."))
                        .toAbsolutePath()
                        .normalize(),
                results);

        DrillResult result = new FuzzDrill().run(options);

        System.out.println(result.line());
        Map<?, ?> failureKinds = (Map<?, ?>) result.figures().get("failureKinds");
        assertThat(failureKinds.keySet())
                .as(result.line())
                .allSatisfy(
                        kind -> assertThat(kind.toString()).matches(HttpFuzz.TRANSPORT_REFUSAL + "(400|414|431) .*"));
        assertThat(result.figures().get("cases")).isEqualTo(3_000);
        assertThat((List<?>) result.figures().get("probeFailures")).isEmpty();
        assertThat(result.figures().get("heapFlat")).isEqualTo(true);
        assertThat((Integer) result.figures().get("chunked413")).isPositive();
        assertThat(result.figures().get("chunked413Closed"))
                .isEqualTo(result.figures().get("chunked413"));
        assertThat(((Map<?, ?>) result.figures().get("statuses")).keySet())
                .allSatisfy(status -> assertThat((Integer) status).isNotEqualTo(500));
    }
}
