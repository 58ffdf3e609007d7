package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cds.sh}, which {@code ./pushgate up} sources: the first run writes a class-data archive
 * when it stops, the next start adopts and maps it, and an archive a JVM cannot map (a run killed
 * while writing it) is never used — such a file crashes the JVM that maps it.
 */
class ClassDataSharingScriptTests {

    private static final Path SCRIPT = Path.of("cds.sh").toAbsolutePath();

    @TempDir
    Path folder;

    private Path jar;
    private Path archive;

    @BeforeEach
    void smallApplication() throws IOException {
        jar = SmallJar.in(folder);
        archive = folder.resolve("hello.jsa");
    }

    @Test
    void theFirstRunWritesTheArchiveAndTheNextMapsIt() throws Exception {
        String first = cdsOptions();
        assertThat(first).matches("-XX:ArchiveClassesAtExit=" + archive + "\\.\\d+ .*");

        assertThat(java(first, "-jar", jar.toString())).isZero();
        Path written = written(first);
        assertThat(written).exists();

        String second = cdsOptions();
        assertThat(second).isEqualTo("-XX:SharedArchiveFile=" + archive);
        assertThat(written).doesNotExist();
        assertThat(java(second, "-Xshare:on", "-jar", jar.toString())).isZero();
        assertThat(cdsOptions()).isEqualTo(second);
    }

    @Test
    void aHalfWrittenArchiveIsDroppedAndWrittenAgain() throws Exception {
        String first = cdsOptions();
        assertThat(java(first, "-jar", jar.toString())).isZero();
        Path written = written(first);
        byte[] whole = Files.readAllBytes(written);
        // what a run killed while writing leaves: the header and part of the rest
        Files.write(written, java.util.Arrays.copyOf(whole, whole.length / 2));

        assertThat(cdsOptions()).startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(written).doesNotExist();
        assertThat(archive).doesNotExist();

        // the adopted archive spoiled later is refused as well
        String again = cdsOptions();
        assertThat(java(again, "-jar", jar.toString())).isZero();
        assertThat(cdsOptions()).isEqualTo("-XX:SharedArchiveFile=" + archive);
        byte[] adopted = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(adopted, adopted.length / 2));
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(cdsOptions()).startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(archive).doesNotExist();
    }

    @Test
    void anArchiveStillBeingWrittenByARunningProcessIsLeftAlone() throws Exception {
        Path writing = Path.of(archive + "." + ProcessHandle.current().pid());
        Files.write(writing, new byte[] {1, 2, 3});

        assertThat(cdsOptions()).startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(writing).exists();
    }

    @Test
    void anArchiveOlderThanTheJarIsWrittenAgain() throws Exception {
        String first = cdsOptions();
        assertThat(java(first, "-jar", jar.toString())).isZero();
        assertThat(cdsOptions()).isEqualTo("-XX:SharedArchiveFile=" + archive);

        // a new build: the jar is newer than the archive made of the old one
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(cdsOptions()).startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(archive).doesNotExist();
    }

    @Test
    void aJarThatCannotBeExtractedRunsAsItIs() throws Exception {
        assertThat(bash("extracted_jar \"$1\"")).isEqualTo(jar.toString());
    }

    private String cdsOptions() throws Exception {
        return bash("cds_options \"$1\"");
    }

    private String bash(String command) throws Exception {
        return bash(command, jar);
    }

    private String bash(String command, Path jar) throws Exception {
        Process process = new ProcessBuilder(
                        "bash", "-c", "set -euo pipefail; source \"$0\"; " + command, SCRIPT.toString(), jar.toString())
                .directory(folder.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).isZero();
        return out;
    }

    /**
     * The archive a run writes at its exit says nothing on the terminal: a big application loads many
     * classes that cannot be verified (code for libraries it does not have), and the JVM warns about each
     * when it writes the archive.
     */
    @Test
    void aRunThatWritesTheArchiveSaysNothingAboutIt() throws Exception {
        Path loader = SmallJar.loadingAClassThatFailsVerification(folder);
        String first = bash("cds_options \"$1\"", loader);

        String output = SmallJar.output(folder, arguments(first, "-jar", loader.toString()));

        assertThat(written(first)).exists();
        assertThat(output).isEqualTo("hello\n");
    }

    /** The archive file a run with {@code options} writes. */
    private static Path written(String options) {
        String write = options.split(" ")[0];
        return Path.of(write.substring(write.indexOf('=') + 1));
    }

    /** Runs {@code java} with {@code options} and then {@code rest}. */
    private int java(String options, String... rest) throws Exception {
        return SmallJar.java(folder, arguments(options, rest));
    }

    /** {@code options} split into words, as {@code ./pushgate} splits them, then {@code rest}. */
    private static List<String> arguments(String options, String... rest) {
        List<String> arguments = new ArrayList<>(List.of(options.split(" ")));
        arguments.addAll(List.of(rest));
        return arguments;
    }
}
