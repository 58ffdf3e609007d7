package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTests {

    @Test
    void readsAnOpenModelRun() {
        BenchOptions options = BenchOptions.parse(
                List.of(
                        "--url",
                        "http://localhost:8080/axp/callbacks/k",
                        "--secret",
                        "s",
                        "--rate",
                        "5000",
                        "--duration",
                        "90s",
                        "--warmup",
                        "500ms",
                        "--verify-db",
                        "postgresql://db/pushgate"),
                Map.of());

        assertThat(options.rate()).isEqualTo(5000);
        assertThat(options.concurrency()).isZero();
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.verifyDatabase())
                .hasValueSatisfying(db -> assertThat(db.url()).isEqualTo("jdbc:postgresql://db/pushgate"));
    }

    @Test
    void takesTheSecretFromTheEnvironmentToKeepItOutOfTheProcessList() {
        BenchOptions options = BenchOptions.parse(
                List.of("--url", "http://h/axp/callbacks/k", "--concurrency", "8"),
                Map.of("PUSHGATE_BENCH_SECRET", "env-secret"));

        assertThat(options.secret()).isEqualTo("env-secret");
    }

    @Test
    void setsUpItsOwnConfigurationOrUsesTheGivenOne() {
        BenchOptions setup = BenchOptions.parse(List.of("--setup", "http://localhost:8081", "--rate", "10"), Map.of());

        assertThat(setup.setup()).contains(java.net.URI.create("http://localhost:8081"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of("--setup", "http://localhost:8081", "--url", "http://h/x", "--rate", "10"), Map.of()))
                .withMessageContaining("without --url and --secret");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(List.of("--url", "http://h/x", "--rate", "10"), Map.of()))
                .withMessageContaining("--secret (or PUSHGATE_BENCH_SECRET) is required, or --setup");
    }

    @Test
    void checksDeliveryOnTheEmulatorOnlyWhenAsked() {
        BenchOptions plain = BenchOptions.parse(List.of("--setup", "http://localhost:8081", "--rate", "10"), Map.of());
        BenchOptions checked = BenchOptions.parse(
                List.of(
                        "--setup",
                        "http://localhost:8081",
                        "--rate",
                        "10",
                        "--emulator",
                        "http://127.0.0.1:8085",
                        "--delivery-timeout",
                        "2m"),
                Map.of());

        assertThat(plain.emulator()).isEmpty();
        assertThat(plain.deliveryTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(checked.emulator()).contains(java.net.URI.create("http://127.0.0.1:8085"));
        assertThat(checked.deliveryTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(checked.withTarget(java.net.URI.create("http://h/axp/callbacks/k"), "s", List.of("session-1"))
                        .sessionIds())
                .containsExactly("session-1");
    }

    @Test
    void wantsExactlyOneModel() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(List.of("--url", "http://h/x", "--secret", "s"), Map.of()))
                .withMessage("give exactly one of --rate and --concurrency");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of("--url", "http://h/x", "--secret", "s", "--rate", "1", "--concurrency", "1"), Map.of()))
                .withMessage("give exactly one of --rate and --concurrency");
    }

    @Test
    void saysWhatIsWrongWithAnOption() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        BenchOptions.parse(List.of("--url", "http://h/x", "--secret", "s", "--rate", "fast"), Map.of()))
                .withMessage("--rate must be a whole number ≥ 0, not 'fast'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(List.of("--url", "http://h/x", "--speed", "1"), Map.of()))
                .withMessage("unknown option --speed");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.duration("soon", "--duration"))
                .withMessage("--duration must look like 60s, 2m or 500ms, not 'soon'");
    }
}
