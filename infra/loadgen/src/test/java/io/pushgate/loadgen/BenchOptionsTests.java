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
        assertThat(options.generatorWarmup()).isZero();
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

    @Test
    void killsOrStopsAnInstanceInTheMiddleOfTheMeasuredWindow() {
        List<String> base = List.of(
                "--setup",
                "http://localhost:8081",
                "--rate",
                "100",
                "--duration",
                "60s",
                "--emulator",
                "http://127.0.0.1:9090",
                "--verify-db",
                "postgresql://127.0.0.1:5432/pushgate");

        BenchOptions kill = BenchOptions.parse(concat(base, "--kill", "run/delivery-service-2.pid"), Map.of());
        assertThat(kill.disruption()).hasValueSatisfying(plan -> {
            assertThat(plan.kill()).isTrue();
            assertThat(plan.at()).isEqualTo(Duration.ofSeconds(30));
            assertThat(plan.pidFile()).hasToString("run/delivery-service-2.pid");
        });
        BenchOptions stop =
                BenchOptions.parse(concat(base, "--stop", "run/delivery-service-3.pid", "--at", "10s"), Map.of());
        assertThat(stop.disruption()).hasValueSatisfying(plan -> {
            assertThat(plan.kill()).isFalse();
            assertThat(plan.at()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(BenchOptions.parse(base, Map.of()).disruption()).isEmpty();
    }

    @Test
    void refusesADisruptionItCouldNotJudge() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of(
                                "--setup",
                                "http://localhost:8081",
                                "--rate",
                                "100",
                                "--emulator",
                                "http://e",
                                "--kill",
                                "x.pid"),
                        Map.of()))
                .withMessageContaining("--kill needs --verify-db");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of("--setup", "http://localhost:8081", "--rate", "100", "--stop", "x.pid"), Map.of()))
                .withMessageContaining("--kill and --stop need --emulator");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of(
                                "--setup",
                                "http://localhost:8081",
                                "--rate",
                                "100",
                                "--emulator",
                                "http://e",
                                "--duration",
                                "20s",
                                "--stop",
                                "x.pid",
                                "--at",
                                "20s"),
                        Map.of()))
                .withMessage("--at must fall within --duration");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of("--setup", "http://localhost:8081", "--rate", "100", "--at", "5s"), Map.of()))
                .withMessage("--at needs --kill or --stop");
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void takesTheGeneratorWarmUpAsADurationAndRefusesAnythingElse() {
        BenchOptions options = BenchOptions.parse(
                List.of(
                        "--url",
                        "http://h/axp/callbacks/k",
                        "--secret",
                        "s",
                        "--rate",
                        "10",
                        "--generator-warmup",
                        "20s"),
                Map.of());
        assertThat(options.generatorWarmup()).isEqualTo(Duration.ofSeconds(20));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> BenchOptions.parse(
                        List.of("--url", "http://h/x", "--secret", "s", "--rate", "10", "--generator-warmup", "soon"),
                        Map.of()))
                .withMessage("--generator-warmup must look like 60s, 2m or 500ms, not 'soon'");
    }
}
