package io.pushgate.drills;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AXP simulator ({@code ./pushgate bench callbacks}, its jar in a process of its own, C1 only as
 * the script runs it) sending signed callbacks while the drill does its damage. It sets up its own
 * tenant with devices registered on the sandbox, and afterwards checks the database ({@code
 * --verify-db}: every 202 has a row) and the emulator ({@code --emulator}: every 202 pushed, once).
 */
final class Simulator {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path result;
    private final List<String> output = new ArrayList<>();
    private final CountDownLatch sending = new CountDownLatch(1);
    private volatile long sendingSince;

    private Simulator(Process process, Path result) {
        this.process = process;
        this.result = result;
        Thread reader = new Thread(this::read, "drill-simulator-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A verdict's line for 202s the emulator did not show ({@code notPushed}), saying so when it no
     * longer kept some of the run's messages (then they may have been pushed: the drill's {@code
     * PUSHGATE_SANDBOX_MAX_MESSAGES} was too small for its run). {@code delivery}: the simulator's result.
     */
    static String notPushed(JsonNode delivery, String notPushed) {
        long dropped = delivery.path("droppedByEmulator").asLong(0);
        return dropped == 0
                ? notPushed
                : notPushed + " (or no longer kept by the emulator, which dropped " + dropped
                        + " of the run's messages: the drill's PUSHGATE_SANDBOX_MAX_MESSAGES is too small)";
    }

    /** Starts {@code bench callbacks} with {@code arguments} (its options, without {@code --out}). */
    static Simulator start(Path root, List<String> arguments, String databasePassword, Path result) throws IOException {
        Path jar = root.resolve("infra/loadgen/target/pushgate-loadgen.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (./pushgate drill does)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "callbacks"));
        command.addAll(arguments);
        command.addAll(List.of("--out", result.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PUSHGATE_DB_PASSWORD", databasePassword);
        return new Simulator(builder.start(), result);
    }

    /**
     * Waits until the simulator has set up its tenant and devices and starts sending (its warm-up comes
     * first); answers {@link System#nanoTime()} then.
     */
    long awaitSending(Duration timeout) throws InterruptedException {
        if (!sending.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                    "the simulator did not start sending within " + timeout + ":\n" + String.join("\n", output()));
        }
        if (sendingSince == 0) {
            throw new IllegalStateException("the simulator ended before sending:\n" + String.join("\n", output()));
        }
        return sendingSince;
    }

    /** Waits for the simulator to finish its run and its checks; answers its JSON result. */
    Finished await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "the simulator did not finish within " + timeout + ":\n" + String.join("\n", output()));
        }
        Thread.sleep(100); // the reader takes the last lines
        if (!Files.isRegularFile(result)) {
            throw new IllegalStateException("the simulator wrote no result (exit status " + process.exitValue() + "):\n"
                    + String.join("\n", output()));
        }
        return new Finished(process.exitValue(), JSON.readTree(result.toFile()), output());
    }

    /** The simulator's exit status (0: nothing lost, nothing pending, no duplicate without a cause), its JSON and its output. */
    record Finished(int exitStatus, JsonNode result, List<String> output) {}

    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("Sending callbacks to ")) {
                    sendingSince = System.nanoTime();
                    sending.countDown();
                }
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException closed) {
            // the process ended
        } finally {
            sending.countDown();
        }
    }
}
