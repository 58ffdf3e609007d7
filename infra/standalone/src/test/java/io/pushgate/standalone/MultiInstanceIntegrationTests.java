package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.ServiceProbes;
import io.pushgate.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pushgate up --delivery-instances 3}: a JVM per service, three delivery-service processes on
 * one PostgreSQL behind one port, and the AXP simulator ({@code ./pushgate bench callbacks}, its jar
 * in a process of its own) sending signed callbacks for registered devices while one instance is
 * killed with {@code kill -9}, then while another is stopped gracefully. The sandbox FCM emulator's
 * record is what counts: every accepted callback pushed, none twice — but for a push with a recorded
 * cause: the killed process had it in flight (sent, its outcome not yet written: the simulator finds it
 * unfinished in the database right after the kill), or a send of it timed out and was retried (an
 * attempt {@code retry/timeout} in the database: on a machine starved by other work). The full run (2,000 callbacks/s for 60 s) is the benchmark in
 * docs/PERFORMANCE.md; this is its short form.
 */
class MultiInstanceIntegrationTests {

    /** Five JVMs starting at once on two cores: minutes when other builds share the machine. */
    private static final Duration START = Duration.ofMinutes(8);

    private static final Duration STOP = Duration.ofSeconds(90);
    private static final int STOPPED_BY_SIGTERM = 143;
    private static final Pattern UP = Pattern.compile("^(Pushgate is up in .*)$");
    private static final Pattern SANDBOX_URL = Pattern.compile("^  sandbox\\s+(http://\\S+)");
    private static final Path LOADGEN =
            Path.of(System.getProperty("pushgate.loadgen.jar", "../loadgen/target/pushgate-loadgen.jar"));

    @TempDir
    Path home;

    @Test
    void threeInstancesPushEveryAcceptedCallbackOnceThroughAKillAndAGracefulStop() throws Exception {
        TestDatabase database = TestDatabase.fresh(); // this platform's keyset is its own
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", database.url());
        environment.put("PUSHGATE_DB_USER", database.user());
        environment.put("PUSHGATE_DB_PASSWORD", database.password());
        // a killed instance's new rows go to the others after this lease (30 s by default)
        environment.put("PUSHGATE_INBOX_LEASE", "5s");
        int tenantPort = Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT"));

        try (var launcher = LauncherProcess.start(environment, List.of("--delivery-instances", "3"))) {
            launcher.awaitOutput(UP, START);
            String sandbox = launcher.awaitOutput(SANDBOX_URL, Duration.ofSeconds(1));
            ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT")));
            ServiceProbes.assertLiveAndReady(tenantPort);
            ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_PORTAL_PORT")));
            Path killed = home.resolve("run").resolve("delivery-service-2.pid");
            Path stopped = home.resolve("run").resolve("delivery-service-3.pid");
            long killedPid = pid(killed);
            long stoppedPid = pid(stopped);
            assertThat(Set.of(killedPid, stoppedPid, pid(home.resolve("run").resolve("delivery-service-1.pid"))))
                    .as("three processes")
                    .hasSize(3);

            String kill = bench(tenantPort, sandbox, database, "--kill", killed, "kill.json");
            report("kill -9", kill);
            assertThat(kill).contains("\"kind\" : \"kill -9\"").contains("\"pid\" : " + killedPid);
            assertEveryAcceptedPushArrived(kill);
            assertThat(number(kill, "duplicated") - number(kill, "duplicatedWithCause"))
                    .as("pushes sent twice that neither the kill nor a recorded time-out explains")
                    .isZero();
            awaitRestarted(launcher, "delivery-service-2", killed, killedPid);

            String stop = bench(tenantPort, sandbox, database, "--stop", stopped, "stop.json");
            report("graceful stop", stop);
            assertThat(stop).contains("\"kind\" : \"graceful stop (SIGTERM)\"");
            assertEveryAcceptedPushArrived(stop);
            // a graceful stop causes no second push: only a send that timed out (recorded as such) may be
            // sent again, and on an unloaded machine none does
            assertThat(number(stop, "duplicated") - number(stop, "duplicatedWithCause"))
                    .as("pushes sent twice after a graceful stop without a recorded cause")
                    .isZero();
            awaitRestarted(launcher, "delivery-service-3", stopped, stoppedPid);

            assertThat(launcher.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(launcher.stdout()).contains("Pushgate stopped.");
        }
        assertThat(home.resolve("run").resolve("delivery-service-1.pid"))
                .as("every instance stopped with the launcher")
                .doesNotExist();
    }

    /** The simulator's run, as {@code ./pushgate bench callbacks} runs it; answers its JSON result. */
    private String bench(
            int tenantPort, String sandbox, TestDatabase database, String disruption, Path pidFile, String out)
            throws Exception {
        Path result = home.resolve(out);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                LOADGEN.toString(),
                "callbacks",
                "--setup",
                "http://localhost:" + tenantPort,
                "--emulator",
                sandbox,
                "--sessions",
                "200",
                "--rate",
                "200",
                "--warmup",
                "2s",
                "--duration",
                "15s",
                disruption,
                pidFile.toString(),
                "--at",
                "6s",
                "--verify-db",
                database.url(),
                "--db-user",
                database.user(),
                "--delivery-timeout",
                "90s",
                "--out",
                result.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PUSHGATE_DB_PASSWORD", database.password());
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as("the simulator's verdict:\n" + output)
                .isZero();
        return Files.readString(result);
    }

    /** The run's figures in one line of the test's output, so that a CI log keeps them. */
    private static void report(String disruption, String result) {
        System.out.printf(
                "Multi-instance run with a %s: accepted %d, lost %d, pending %d, pushed twice %d (with a recorded cause %d)%n",
                disruption,
                number(result, "accepted"),
                number(result, "lost"),
                number(result, "pending"),
                number(result, "duplicated"),
                number(result, "duplicatedWithCause"));
    }

    private static void assertEveryAcceptedPushArrived(String result) {
        // at least some: on a machine that other work starves, many callbacks get 503 (not stored in time),
        // which AXP retries; what matters is that every accepted one is pushed once
        assertThat(number(result, "accepted")).as("accepted callbacks").isGreaterThanOrEqualTo(100);
        assertThat(number(result, "lost"))
                .as("accepted callbacks without a row")
                .isZero();
        assertThat(number(result, "pending"))
                .as("accepted callbacks never pushed")
                .isZero();
    }

    /** The launcher started the instance again: a new process, ready behind the front. */
    private static void awaitRestarted(LauncherProcess launcher, String name, Path pidFile, long oldPid)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && (!Files.exists(pidFile) || pid(pidFile) == oldPid)) {
            Thread.sleep(200);
        }
        assertThat(launcher.stderrContains(name + " (pid " + oldPid + ") ended with status"))
                .as("the launcher says it starts " + name + " again")
                .isTrue();
        assertThat(pid(pidFile)).isNotEqualTo(oldPid);
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }

    /** The first whole number after {@code "name" :} in the pretty-printed JSON result. */
    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\" : (\\d+)").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private Map<String, String> environment() throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 3) {
            ports.add(freePort());
        }
        Iterator<Integer> port = ports.iterator();
        Map<String, String> environment = new HashMap<>();
        environment.put("PUSHGATE_HOME", home.toString());
        environment.put("PUSHGATE_DELIVERY_PORT", port.next().toString());
        environment.put("PUSHGATE_TENANT_PORT", port.next().toString());
        environment.put("PUSHGATE_PORTAL_PORT", port.next().toString());
        return environment;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
