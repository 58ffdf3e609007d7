package io.pushgate.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged launcher run as {@code ./pushgate up} runs it: its own JVM, its own environment. */
final class LauncherProcess implements AutoCloseable {

    private static final Path JAR =
            Path.of(System.getProperty("pushgate.standalone.jar", "target/pushgate-standalone.jar"));

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private LauncherProcess(Process process) {
        this.process = process;
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), err);
    }

    static LauncherProcess start(Map<String, String> environment) throws IOException {
        return start(environment, List.of());
    }

    /** The same with options after {@code up}, e.g. {@code --delivery-instances 3}. */
    static LauncherProcess start(Map<String, String> environment, List<String> options) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // where a multi-process start finds the services' jars, as ./pushgate sets it
                "-Dpushgate.root=" + System.getProperty("pushgate.root", "../.."),
                "-jar",
                JAR.toString(),
                "up"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("PUSHGATE_"));
        builder.environment().putAll(environment);
        return new LauncherProcess(builder.start());
    }

    /** The first group of the first standard-output line that matches, waiting for it up to {@code timeout}. */
    String awaitOutput(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (out) {
                for (String line : out) {
                    Matcher matcher = pattern.matcher(line);
                    if (matcher.find()) {
                        return matcher.groupCount() > 0 ? matcher.group(1) : line;
                    }
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line matching " + pattern + " within " + timeout + "\nstdout: " + stdout()
                + "\nstderr: " + stderr());
    }

    /** Waits for the process to end by itself and answers its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "still running after " + timeout + "\nstdout: " + stdout() + "\nstderr: " + stderr());
        }
        // let the readers take the last lines
        Thread.sleep(200);
        return process.exitValue();
    }

    /** Whether any line of standard error so far contains {@code text}. */
    boolean stderrContains(String text) {
        synchronized (err) {
            return err.stream().anyMatch(line -> line.contains(text));
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager sends it, then waits for a clean exit. */
    int stop(Duration timeout) throws InterruptedException {
        // through the handle: Process.destroy() would also close our ends of its output pipes
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    List<String> stdout() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> stderr() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** Ends the process if a test left it running: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void drain(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }
}
