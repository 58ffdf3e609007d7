package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.secret.KeysetEdits;
import io.pushgate.api.secret.SecretCipher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pushgate keyset}: its edits of {@code keyset.json}, what it prints and what it refuses. */
class KeysetCommandTests {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void addsPromotesAndRetiresKeysInTheHomesKeysetKeepingItOwnerOnlyAndPrintingNoMaterial() throws Exception {
        Path file = home.resolve("keyset.json");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, SecretCipher.generateKeyset());
        long old = KeysetEdits.keyIds(Files.readString(file)).primary();
        Map<String, String> environment = Map.of("PUSHGATE_HOME", home.toString());

        assertThat(run(environment, "add")).isZero();
        long added = KeysetEdits.keyIds(Files.readString(file)).keyIds().stream()
                .filter(id -> id != old)
                .findFirst()
                .orElseThrow();
        assertThat(KeysetEdits.keyIds(Files.readString(file)).primary()).isEqualTo(old);
        assertThat(run(environment, "promote", Long.toString(added))).isZero();
        assertThat(KeysetEdits.keyIds(Files.readString(file)).primary()).isEqualTo(added);

        assertThat(run(environment, "retire", Long.toString(old)))
                .as("without the operator token it cannot tell what the key still seals")
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("PUSHGATE_OPERATOR_TOKEN is not set");
        assertThat(KeysetEdits.keyIds(Files.readString(file)).keyIds()).contains(old);
        assertThat(run(environment, "retire", Long.toString(added), "--force"))
                .as("never the primary")
                .isEqualTo(1);
        assertThat(run(environment, "retire", Long.toString(old), "--force")).isZero();
        assertThat(KeysetEdits.keyIds(Files.readString(file)).keyIds()).containsExactly(added);
        assertThat(run(environment, "status")).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains(Long.toString(added))
                .doesNotContain("\"value\"")
                .doesNotContain("keyData");
    }

    @Test
    void refusesAnUnknownStepAKeyIdThatIsNoNumberAndAFileThatIsNoKeyset() throws Exception {
        Path file = Files.writeString(home.resolve("keyset.json"), SecretCipher.generateKeyset());
        Map<String, String> environment = Map.of("PUSHGATE_KEYSET", file.toString());
        assertThat(run(environment, "rotate")).isEqualTo(2);
        assertThat(run(environment, "promote", "abc")).isEqualTo(1);
        assertThat(run(environment, "promote", "12345")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no key 12345");
        Files.writeString(file, "{\"key\": \"AAAAsupersecret\"}");
        assertThat(run(environment, "add")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("supersecret");
    }

    private int run(Map<String, String> environment, String... args) {
        return KeysetCommand.run(
                List.of(args),
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
