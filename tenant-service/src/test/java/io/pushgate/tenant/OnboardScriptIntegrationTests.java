package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code scripts/onboard.sh} itself, run with {@code sh} and the machine's curl against this
 * tenant-service: the "done when" flow as a user runs it ({@link ControlPlaneFlowIntegrationTests}
 * checks each answer of the same flow in Java). Where there is no curl the test is skipped, except
 * with {@code CI=true}.
 */
@ControlPlaneTest
class OnboardScriptIntegrationTests {

    private static final Path SCRIPT = Path.of("scripts", "onboard.sh").toAbsolutePath();

    private static Path curl;

    @LocalServerPort
    int port;

    @TempDir
    Path folder;

    @BeforeAll
    static void findCurl() {
        Optional<Path> found = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .map(directory -> Path.of(directory, "curl"))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("no curl on the PATH to run " + SCRIPT + " with (CI=true)");
        }
        Assumptions.assumeTrue(found.isPresent(), "no curl on the PATH to run " + SCRIPT + " with");
        curl = found.get();
    }

    @Test
    void onboardsATenantWithCurlAlone() throws Exception {
        Path serviceAccount = folder.resolve("service-account.json");
        Files.writeString(serviceAccount, TestCredentials.serviceAccountJson());

        Run run = onboard(Map.of(), "http://127.0.0.1:" + port, serviceAccount.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout())
                .contains(
                        "logged in",
                        "AXP Configuration Id set",
                        "secret rotated",
                        "sandbox credential added",
                        "FCM credential added",
                        "client_credentials token with scope: registrations")
                .endsWith(String.join(
                        "\n",
                        "audit log, newest first:",
                        "  oauth2.token",
                        "  app-client.create",
                        "  credential.create",
                        "  credential.create",
                        "  configuration.secret.rotate",
                        "  configuration.update",
                        "  configuration.create",
                        "  auth.login",
                        "  tenant.signup",
                        ""));
    }

    /** A step whose answer is only picked apart stops the script as any other, with a non-zero exit. */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/auth/login", "/oauth2/token", "/v1/audit-events"})
    void stopsWithAnErrorWhenAStepFails(String failing) throws Exception {
        Path bin = Files.createDirectories(folder.resolve("bin"));
        Path fake = bin.resolve("curl");
        // the machine's curl, except that one endpoint answers 500
        Files.writeString(
                fake,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "case \"$*\" in *\"" + failing + "\"*) printf 'broken\\n500'; exit 0;; esac",
                        "exec '" + curl + "' \"$@\"",
                        ""));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        Run run = onboard(Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH")), "http://127.0.0.1:" + port);

        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains(failing + " answered 500");
        assertThat(run.stdout()).doesNotContain("audit log, newest first:");
    }

    record Run(int exitCode, String stdout, String stderr) {}

    private Run onboard(Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        assertThat(SCRIPT).exists();
        List<String> command = new java.util.ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        Path out = folder.resolve("stdout");
        Path err = folder.resolve("stderr");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("onboard.sh still runs after 120 s: " + Files.readString(out));
        }
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
