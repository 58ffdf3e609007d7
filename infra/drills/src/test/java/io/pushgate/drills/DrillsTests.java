package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillsTests {

    @TempDir
    Path folder;

    @Test
    void anUnknownDrillIsAUsageError() {
        var err = new ByteArrayOutputStream();
        int status = Drills.run(
                List.of("no-such-drill"), Map.of("PUSHGATE_HOME", folder.toString()), print(), new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no drill 'no-such-drill'")
                .contains("usage: ./pushgate drill");
    }

    @Test
    void optionsAreReadWithTheirDefaultsAndAnUnknownOneIsRefused() {
        DrillOptions options = DrillOptions.parse(
                List.of("--rate", "200", "--duration=20s", "--typo", "x"), folder, folder.resolve("drills"));
        assertThat(options.number("rate", 2000)).isEqualTo(200);
        assertThat(options.duration("duration", Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.duration("lease", Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(options::rejectUnknown).hasMessageContaining("[typo]");
        assertThatThrownBy(() -> DrillOptions.parse(List.of("--rate"), folder, folder))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DrillOptions.parse(List.of("--rate", "x"), folder, folder)
                        .number("rate", 1))
                .hasMessageContaining("whole number");
    }

    @Test
    void aResultIsOneLineAndAJsonDocumentNamedAfterTheDrillAndTheTime() throws Exception {
        DrillResult result = new DrillResult("crash", false, "lost 1 of 10", Map.of("lost", 1));
        assertThat(result.line()).isEqualTo("FAIL crash: lost 1 of 10");
        Path file = result.write(folder, Instant.parse("2026-12-06T01:02:03Z"));
        assertThat(file.getFileName()).hasToString("crash-20261206T010203Z.json");
        assertThat(Files.readString(file))
                .contains("\"drill\" : \"crash\"")
                .contains("\"passed\" : false")
                .contains("\"lost\" : 1");
    }

    private static PrintStream print() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
