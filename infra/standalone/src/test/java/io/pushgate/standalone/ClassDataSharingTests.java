package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class-data sharing for the services' JVMs of a multi-process start: one JVM of a jar writes the
 * archive when it stops, the next starts map it, and an archive a JVM cannot map is never used.
 */
class ClassDataSharingTests {

    @TempDir
    Path folder;

    private Path jar;
    private Path archive;
    private ClassDataSharing classData;

    @BeforeEach
    void smallApplication() throws Exception {
        jar = SmallJar.in(folder);
        archive = folder.resolve("hello.jsa");
        classData = new ClassDataSharing(jar, Optional.of(archive));
    }

    @Test
    void oneJvmWritesTheArchiveWhenItStopsAndTheNextStartsMapIt() throws Exception {
        ClassDataSharing.Start first = classData.start();
        // a second instance starting meanwhile runs without: one writer at a time
        ClassDataSharing.Start meanwhile = classData.start();
        assertThat(first.options()).first().asString().startsWith("-XX:ArchiveClassesAtExit=" + archive + ".");
        assertThat(meanwhile.options()).isEmpty();

        assertThat(run(first)).isZero();
        classData.ended(first);
        classData.ended(meanwhile);

        ClassDataSharing.Start next = classData.start();
        assertThat(next.options()).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(first.writing().orElseThrow()).doesNotExist();
        List<String> mapped = new ArrayList<>(next.options());
        mapped.add("-Xshare:on");
        assertThat(SmallJar.java(folder, withJar(mapped))).isZero();
    }

    @Test
    void aHalfWrittenArchiveIsDroppedAndWrittenAgain() throws Exception {
        ClassDataSharing.Start first = classData.start();
        assertThat(run(first)).isZero();
        Path written = first.writing().orElseThrow();
        byte[] whole = Files.readAllBytes(written);
        // what a JVM killed while writing leaves
        Files.write(written, Arrays.copyOf(whole, whole.length / 2));

        classData.ended(first);

        assertThat(written).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(classData.start().options()).first().asString().startsWith("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void anArchiveOlderThanTheJarIsWrittenAgain() throws Exception {
        ClassDataSharing.Start first = classData.start();
        assertThat(run(first)).isZero();
        classData.ended(first);
        assertThat(classData.start().options()).containsExactly("-XX:SharedArchiveFile=" + archive);

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(classData.start().options()).first().asString().startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(archive).doesNotExist();
    }

    @Test
    void aServiceStoppedByTheLauncherHasItsArchiveKeptWhenTheStopReturns() throws Exception {
        Path sleeper = SmallJar.sleeping(folder);
        Path sleeperArchive = folder.resolve("sleeper.jsa");
        Files.createDirectories(folder.resolve("logs"));
        ServiceProcess service = new ServiceProcess(
                "sleeper",
                0,
                new ClassDataSharing(sleeper, Optional.of(sleeperArchive)),
                java.util.Map.of(),
                List.of(),
                folder);
        service.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(service.log()) && Files.readString(service.log()).contains("sleeping"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        service.stop(java.time.Duration.ofSeconds(30));

        // the launcher may exit right after: the archive is already checked and in place
        assertThat(sleeperArchive).exists();
    }

    /**
     * The archive a service writes at its exit adds nothing to its log: a big application loads many
     * classes that cannot be verified (code for libraries it does not have), and the JVM warns about each
     * when it writes the archive.
     */
    @Test
    void aServiceThatWritesTheArchiveSaysNothingAboutIt() throws Exception {
        Path loader = SmallJar.loadingAClassThatFailsVerification(folder);
        ClassDataSharing.Start first = new ClassDataSharing(loader, Optional.of(folder.resolve("loader.jsa"))).start();
        List<String> arguments = new ArrayList<>(first.options());
        arguments.addAll(List.of("-jar", loader.toString()));

        String output = SmallJar.output(folder, arguments);

        assertThat(first.writing().orElseThrow()).exists();
        assertThat(output).isEqualTo("hello\n");
    }

    @Test
    void aJarThatCannotBeExtractedRunsAsItIsWithoutSharing() {
        ClassDataSharing plain = ClassDataSharing.of(jar);

        assertThat(plain.jar()).isEqualTo(jar);
        assertThat(plain.start().options()).isEmpty();
    }

    private int run(ClassDataSharing.Start start) throws Exception {
        return SmallJar.java(folder, withJar(start.options()));
    }

    private List<String> withJar(List<String> options) {
        List<String> arguments = new ArrayList<>(options);
        arguments.add("-jar");
        arguments.add(jar.toString());
        return arguments;
    }
}
