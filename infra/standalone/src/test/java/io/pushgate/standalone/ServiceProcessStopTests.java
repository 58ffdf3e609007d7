package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * How the launcher stops a service's process and what becomes of its pid file, on real child
 * processes of this test ({@code sleep}, a shell that ignores SIGTERM, a zombie): the file goes only
 * with its process, a process that outlives its SIGKILL keeps it and is named in a WARN, a stale file
 * of a process that already ended is removed.
 */
class ServiceProcessStopTests {

    /** A bound for a hang, not a speed: no test waits for it unless the stop is broken. */
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path run;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ServiceProcess.class);
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void capture() {
        logged.setContext(logger.getLoggerContext());
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        logger.detachAppender(logged);
        for (Process process : started) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatEndsOnSigtermIsGoneAndOnlyThenItsPidFileIsDeleted() throws Exception {
        Process sleep = start("sleep", "60");
        Path pidFile = pidFile("delivery-service-1", sleep.pid());

        boolean gone = ServiceProcess.stop("delivery-service-1", sleep.toHandle(), pidFile, LONG, LONG);

        assertThat(gone).isTrue();
        assertThat(alive(sleep.pid())).isFalse();
        assertThat(pidFile).doesNotExist();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledWithAWarningAndThenItsPidFileIsDeleted() throws Exception {
        // the shell ignores SIGTERM and so does the sleep it becomes (an ignored signal stays ignored across exec)
        Process stubborn = start("sh", "-c", "trap '' TERM; exec sleep 60");
        Path pidFile = pidFile("delivery-service-2", stubborn.pid());
        awaitIgnoringTerm(stubborn.pid());

        boolean gone =
                ServiceProcess.stop("delivery-service-2", stubborn.toHandle(), pidFile, Duration.ofMillis(500), LONG);

        assertThat(gone).isTrue();
        assertThat(alive(stubborn.pid())).isFalse();
        assertThat(pidFile).doesNotExist();
        assertThat(warnings())
                .singleElement()
                .asString()
                .contains("delivery-service-2", "pid " + stubborn.pid(), "did not stop within", "killing it");
    }

    /**
     * A zombie is a real process that SIGKILL cannot remove (as one stuck in the kernel): its parent, a
     * {@code sleep} of this test, never reaps it. Its stop says it outlived the kill and keeps the pid
     * file, which names a process that is still there.
     */
    @Test
    void aProcessThatOutlivesItsSigkillKeepsItsPidFileAndIsNamedInAWarning() throws Exception {
        Process parent = start("sh", "-c", "sleep 0 & exec sleep 60");
        ProcessHandle zombie = awaitZombieChild(parent);
        Path pidFile = pidFile("delivery-service-3", zombie.pid());

        boolean gone = ServiceProcess.stop(
                "delivery-service-3", zombie, pidFile, Duration.ofMillis(200), Duration.ofMillis(500));

        assertThat(gone).isFalse();
        assertThat(alive(zombie.pid())).isTrue();
        assertThat(pidFile).exists().hasContent(Long.toString(zombie.pid()));
        assertThat(warnings())
                .anySatisfy(line -> assertThat(line).contains("pid " + zombie.pid(), "outlived its SIGKILL"))
                .anySatisfy(line -> assertThat(line).contains(pidFile.toString(), "stays"));
    }

    @Test
    void aStalePidFileOfAProcessThatAlreadyEndedIsRemoved() throws Exception {
        Process ended = start("true");
        assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path pidFile = pidFile("delivery-service-1", ended.pid());

        boolean gone = ServiceProcess.stop("delivery-service-1", ended.toHandle(), pidFile, LONG, LONG);

        assertThat(gone).isTrue();
        assertThat(pidFile).doesNotExist();
    }

    /** A service that never started (its process null) leaves no pid file behind of a process that ended. */
    @Test
    void aStalePidFileIsRemovedWhenNoProcessWasStarted() throws Exception {
        Process ended = start("true");
        assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path pidFile = pidFile("web-portal", ended.pid());

        assertThat(ServiceProcess.stop("web-portal", null, pidFile, LONG, LONG)).isTrue();

        assertThat(pidFile).doesNotExist();
    }

    /** A pid file naming a live process that is not the one stopped stays: it is not this stop's to delete. */
    @Test
    void aPidFileNamingAnotherLiveProcessStays() throws Exception {
        Process other = start("sleep", "60");
        Path pidFile = pidFile("tenant-service", other.pid());

        assertThat(ServiceProcess.stop("tenant-service", null, pidFile, LONG, LONG))
                .isTrue();

        assertThat(pidFile).exists();
        assertThat(alive(other.pid())).isTrue();
    }

    private Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(process);
        return process;
    }

    private Path pidFile(String name, long pid) throws IOException {
        Path file = run.resolve(name + ".pid");
        Files.writeString(file, Long.toString(pid), StandardCharsets.US_ASCII);
        return file;
    }

    private List<String> warnings() {
        return logged.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Until the process has run its {@code trap} (its signal mask in /proc shows SIGTERM ignored). */
    private static void awaitIgnoringTerm(long pid) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> ignored = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("SigIgn:"))
                    .findFirst();
            // SIGTERM is signal 15: bit 14 of the mask
            if (ignored.isPresent()
                    && (Long.parseLong(ignored.get().substring(7).strip(), 16) & (1L << 14)) != 0
                    && Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                            .strip()
                            .equals("sleep")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("process " + pid + " never ignored SIGTERM");
    }

    /** The child the shell left behind before it became {@code sleep}, once it has ended unreaped. */
    private static ProcessHandle awaitZombieChild(Process parent) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle child : parent.toHandle().children().toList()) {
                Path stat = Path.of("/proc", Long.toString(child.pid()), "stat");
                if (Files.exists(stat)) {
                    String text = Files.readString(stat);
                    // the state follows the command's closing parenthesis: "pid (comm) Z ..."
                    if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                        return child;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no zombie child of " + parent.pid());
    }
}
