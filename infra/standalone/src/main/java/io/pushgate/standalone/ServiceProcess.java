package io.pushgate.standalone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service in a JVM of its own, as a container runs it: its executable jar, its settings in
 * environment variables (never on the command line, where {@code ps} shows them), its output in
 * {@code logs/<name>.log}, its process id in {@code run/<name>.pid}. {@link #start()} may be called
 * again after it ended: the launcher restarts what stopped without being asked to.
 */
final class ServiceProcess {

    private static final Logger logger = LoggerFactory.getLogger(ServiceProcess.class);

    /** How long a process may take to be gone after its SIGKILL before the launcher says it outlived it. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /** How long {@link #stop} waits for the check of the class-data archive the stopped JVM wrote. */
    private static final Duration ARCHIVE_CHECK = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final String name;
    private final int port;
    private final ClassDataSharing classData;
    private final Map<String, String> environment;
    private final List<String> javaOptions;
    private final Path log;
    private final Path pidFile;
    private volatile Process process;
    /** Done once the last process ended and the class-data archive it wrote, if any, was adopted or dropped. */
    private volatile CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);

    ServiceProcess(
            String name,
            int port,
            ClassDataSharing classData,
            Map<String, String> environment,
            List<String> javaOptions,
            Path home) {
        this.name = name;
        this.port = port;
        this.classData = classData;
        this.environment = Map.copyOf(environment);
        this.javaOptions = List.copyOf(javaOptions);
        this.log = home.resolve("logs").resolve(name + ".log");
        this.pidFile = home.resolve("run").resolve(name + ".pid");
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path log() {
        return log;
    }

    Path pidFile() {
        return pidFile;
    }

    /** The running process, or null before the first start. */
    Process process() {
        return process;
    }

    /** Starts the JVM; does not wait for it to be ready. */
    synchronized Process start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ClassDataSharing.Start classes = classData.start();
        command.addAll(classes.options());
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(classData.jar().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(pidFile.getParent());
            process = builder.start();
            ended = process.onExit().thenRun(() -> classData.ended(classes));
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            classData.ended(classes);
            throw new LaunchException(name + " did not start: " + e.getMessage(), e);
        }
        return process;
    }

    /**
     * Waits until {@code /actuator/health/readiness} answers 200; fails with the last lines of its log
     * when the process ends first or the wait is over.
     */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI readiness = url().resolve("/actuator/health/readiness");
        while (System.nanoTime() < deadline) {
            Process current = process;
            if (current == null || !current.isAlive()) {
                throw new LaunchException(name + " did not start: " + lastError());
            }
            if (ready(readiness)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException(name + " did not start: interrupted");
            }
        }
        throw new LaunchException(name + " was not ready within " + timeout.toSeconds() + " s (log: " + log + ")");
    }

    private static boolean ready(URI readiness) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(readiness)
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGTERM, then up to {@code grace} for the process to be gone, then SIGKILL and up to {@link
     * #KILL_WAIT}; its pid file is deleted only once its process is gone ({@link #stop(String,
     * ProcessHandle, Path, Duration, Duration)}).
     */
    void stop(Duration grace) {
        Process current = process;
        boolean gone = stop(name, current == null ? null : current.toHandle(), pidFile, grace, KILL_WAIT);
        if (current == null || !gone) {
            return;
        }
        try {
            // the archive this JVM wrote as it stopped is checked and kept before the launcher goes on (or exits)
            ended.get(ARCHIVE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("pushgate: " + name + "'s class-data archive not kept: " + e);
        }
    }

    /**
     * Stops {@code process} (null: none was started) and keeps {@code pidFile} honest: SIGTERM, up to
     * {@code grace} for the process to be gone, then SIGKILL and up to {@code killWait}. The pid file
     * is deleted only when the process it names is gone — also when that process had died before (a
     * stale file) — and kept, with a WARN, while it runs: a process that outlives its SIGKILL (stuck
     * in the kernel) is said so, never hidden by a deleted file. Returns whether {@code process} is
     * gone.
     */
    static boolean stop(String name, ProcessHandle process, Path pidFile, Duration grace, Duration killWait) {
        boolean gone = process == null || !process.isAlive() || terminate(name, process, grace, killWait);
        deleteIfGone(name, pidFile);
        return gone;
    }

    private static boolean terminate(String name, ProcessHandle process, Duration grace, Duration killWait) {
        process.destroy();
        if (gone(process, grace)) {
            return true;
        }
        logger.warn("{} (pid {}) did not stop within {} s; killing it", name, process.pid(), grace.toSeconds());
        process.destroyForcibly();
        if (gone(process, killWait)) {
            return true;
        }
        logger.warn(
                "{} (pid {}) outlived its SIGKILL: still running {} s after it; it must be stopped by hand",
                name,
                process.pid(),
                killWait.toSeconds());
        return false;
    }

    /** Waits up to {@code bound} for {@code process} to be gone; interrupted, it kills it and waits no more. */
    private static boolean gone(ProcessHandle process, Duration bound) {
        try {
            process.onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException stillThere) {
            // said by isAlive below
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return !process.isAlive();
    }

    /** Deletes {@code pidFile} unless the process it names is alive (then it stays, and a WARN says so). */
    private static void deleteIfGone(String name, Path pidFile) {
        long pid;
        try {
            pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException none) {
            return;
        } catch (IOException | NumberFormatException e) {
            logger.warn("{}'s pid file {} cannot be read ({}); it stays", name, pidFile, e.toString());
            return;
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            logger.warn("{}'s pid file {} stays: process {} is still running", name, pidFile, pid);
            return;
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            logger.warn(
                    "{}'s pid file {} of ended process {} could not be deleted: {}", name, pidFile, pid, e.toString());
        }
    }

    /** The service's own reason from its log: the last line that names an error, else the last line. */
    String lastError() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 200); i--) {
                String line = lines.get(i);
                if (line.contains("APPLICATION FAILED TO START")) {
                    // Spring Boot's failure analysis follows this banner: its "Description" line says why
                    for (int j = i; j < Math.min(lines.size(), i + 8); j++) {
                        if (!lines.get(j).isBlank()
                                && !lines.get(j).contains("*")
                                && !lines.get(j).startsWith("Description")) {
                            return Failures.firstLine(lines.get(j)) + " (log: " + log + ")";
                        }
                    }
                }
            }
            for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 200); i--) {
                String line = lines.get(i);
                if (line.contains(" ERROR ") || line.startsWith("Caused by:") || line.startsWith("Error")) {
                    return Failures.firstLine(line.strip()) + " (log: " + log + ")";
                }
            }
            return (lines.isEmpty()
                            ? "it ended without a word"
                            : lines.get(lines.size() - 1).strip()) + " (log: " + log + ")";
        } catch (IOException e) {
            return "see " + log;
        }
    }
}
