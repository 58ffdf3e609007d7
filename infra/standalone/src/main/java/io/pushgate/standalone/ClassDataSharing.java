package io.pushgate.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Class-data sharing (AppCDS) for a service's JVM, the scheme {@code infra/standalone/cds.sh} follows
 * for the launcher's own: the service runs from its executable jar extracted into {@code
 * target/cds/<jar name>/} (classes inside a Spring Boot jar's nested jars cannot be archived), and a
 * JVM that stops cleanly writes an archive of the classes it loaded; later starts of the same jar map
 * it instead of loading, verifying and linking those classes again (docs/PERFORMANCE.md, "Start").
 *
 * <p>One JVM of a jar writes at a time, into a file of its own; the archive is adopted only after a
 * JVM mapped it with {@code -Xshare:on}: a half-written archive (a JVM killed while writing) crashes
 * the JVM that maps it. An archive older than the jar, or that this JDK cannot map, is dropped and
 * written again. Thread-safe: every instance of a service shares one.
 */
final class ClassDataSharing {

    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** One JVM start's part: its options, and the file it writes the archive to when it stops, if any. */
    record Start(List<String> options, Optional<Path> writing) {}

    private final Path jar;
    private final Optional<Path> archive;
    /** Whether a JVM of this jar is writing the archive now (one at a time). */
    private boolean writing;
    /** The modification time of the archive a JVM last mapped here: checked once, not at every start. */
    private FileTime mapped;

    ClassDataSharing(Path jar, Optional<Path> archive) {
        this.jar = jar;
        this.archive = archive;
    }

    /** For {@code executableJar}: extracts it when its extracted copy is missing or older; else runs it as it is. */
    static ClassDataSharing of(Path executableJar) {
        Path directory = executableJar.resolveSibling("cds").resolve(withoutSuffix(executableJar));
        Path extracted = directory.resolve(executableJar.getFileName());
        try {
            if (!Files.exists(extracted)
                    || Files.getLastModifiedTime(extracted).compareTo(Files.getLastModifiedTime(executableJar)) < 0) {
                extract(executableJar, directory);
            }
            return new ClassDataSharing(
                    extracted, Optional.of(directory.resolve(withoutSuffix(executableJar) + ".jsa")));
        } catch (IOException | RuntimeException e) {
            System.err.println("pushgate: warning: could not extract " + executableJar + " (" + e.getMessage()
                    + "); starting it without class-data sharing");
            return new ClassDataSharing(executableJar, Optional.empty());
        }
    }

    /** The jar the JVM runs. */
    Path jar() {
        return jar;
    }

    /**
     * The options of the next start: map the archive when a JVM can; else, when no other JVM of this
     * jar is writing one, write it into a file of this start's own; else none.
     */
    synchronized Start start() {
        if (archive.isEmpty()) {
            return new Start(List.of(), Optional.empty());
        }
        Path archive = this.archive.get();
        try {
            if (Files.exists(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
                FileTime modified = Files.getLastModifiedTime(archive);
                if (modified.equals(mapped) || mappable(archive)) {
                    mapped = modified;
                    return new Start(List.of("-XX:SharedArchiveFile=" + archive), Optional.empty());
                }
            }
            if (writing) {
                // another JVM of this jar writes the archive: this one starts without
                return new Start(List.of(), Optional.empty());
            }
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            return new Start(List.of(), Optional.empty());
        }
        writing = true;
        Path file = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID());
        // without the archive's own warnings (one per class that fails verification or is not linked: ~240
        // lines in the service's log): an archive not whole is never used anyway
        return new Start(
                List.of("-XX:ArchiveClassesAtExit=" + file, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                Optional.of(file));
    }

    /** After the JVM of {@code start} ended: adopts the archive it wrote when a JVM maps it, else drops it. */
    synchronized void ended(Start start) {
        if (start.writing().isEmpty()) {
            return;
        }
        Path file = start.writing().get();
        try {
            if (Files.exists(file) && mappable(file)) {
                Files.move(
                        file,
                        archive.orElseThrow(),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("pushgate: warning: class-data archive " + file + " not kept: " + e.getMessage());
        } finally {
            writing = false;
        }
    }

    /** Whether a JVM maps {@code file} with this jar's classes ({@code -Xshare:on} fails, or crashes, when not). */
    boolean mappable(Path file) {
        Path errorFile = file.resolveSibling("cds-check-" + UUID.randomUUID() + ".log");
        try {
            return run(List.of(
                            JAVA,
                            "-XX:SharedArchiveFile=" + file,
                            "-Xshare:on",
                            "-XX:ErrorFile=" + errorFile,
                            "-cp",
                            jar.toString(),
                            "-version"))
                    == 0;
        } finally {
            try {
                Files.deleteIfExists(errorFile);
            } catch (IOException ignored) {
                // a crash report of a check, in target/
            }
        }
    }

    private static void extract(Path executableJar, Path directory) throws IOException {
        Path parent = directory.getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempDirectory(parent, "extracting-");
        try {
            if (run(List.of(
                                    JAVA,
                                    "-Djarmode=tools",
                                    "-jar",
                                    executableJar.toString(),
                                    "extract",
                                    "--destination",
                                    temporary.toString()))
                            != 0
                    || !Files.exists(temporary.resolve(executableJar.getFileName()))) {
                throw new IOException("the jar's tools mode did not extract it");
            }
            // extracted entries keep the build's times: the copy is as new as the extraction
            Files.setLastModifiedTime(
                    temporary.resolve(executableJar.getFileName()), FileTime.fromMillis(System.currentTimeMillis()));
            deleteTree(directory);
            Files.move(temporary, directory, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(temporary);
        }
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String withoutSuffix(Path jar) {
        String name = jar.getFileName().toString();
        return name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
