package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's refusals: each says what is wrong and exits 2, before sending anything. */
class BenchTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void registrationsNeedTheirOwnTenant() {
        int status = run("registrations", "--url", "http://h/axp/callbacks/k", "--secret", "s", "--rate", "10");

        assertThat(status).isEqualTo(2);
        assertThat(text(err)).startsWith("pushgate bench: bench registrations needs --setup");
    }

    @Test
    void anUnknownKindOfBenchShowsTheUsage() {
        assertThat(run("logins", "--rate", "10")).isEqualTo(2);
        assertThat(text(err)).contains("pushgate bench callbacks", "pushgate bench registrations");
    }

    private int run(String... args) {
        return Bench.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
