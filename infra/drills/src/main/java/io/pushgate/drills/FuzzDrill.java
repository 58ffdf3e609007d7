package io.pushgate.drills;

import io.pushgate.api.AxpSignature;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./pushgate drill fuzz}: {@link HttpFuzz}'s generated requests against a running platform's
 * delivery-service (its own, started for the drill), over raw sockets to loopback. It passes when no
 * answer is a 5xx other than 503-with-Retry-After, every answer comes within {@code --timeout}, every
 * refusal is problem+json of a published type, every 413 to a chunked body closes the connection, a
 * signed callback keeps being accepted throughout (every {@value #PROBE_EVERY} cases), and the heap
 * after a full GC at the end is within {@value #HEAP_GROWTH_PERCENT} % (at least {@value
 * #HEAP_GROWTH_MIB_FLOOR} MiB) of the heap after a full GC once warmed up.
 *
 * <p>The heap is read from delivery-service's own metrics ({@code /actuator/prometheus}, {@code
 * jvm_memory_used_bytes{area="heap"}} summed over the pools) right after {@code jcmd <pid> GC.run}
 * forced a full collection in the platform's JVM.
 *
 * <p>Options: {@code --cases 100000}, {@code --seed S} (default: a new one, printed), {@code --case I}
 * (replay case I of the seed alone), {@code --connections 4}, {@code --timeout 10s}.
 */
final class FuzzDrill implements Drill {

    static final int PROBE_EVERY = 2_000;
    static final int HEAP_GROWTH_PERCENT = 10;
    static final int HEAP_GROWTH_MIB_FLOOR = 32;
    private static final long MIB = 1024 * 1024;

    @Override
    public String name() {
        return "fuzz";
    }

    @Override
    public String description() {
        return "100,000 generated HTTP requests at the callback URL and registration API: no 500, no hang,"
                + " problem+json refusals, heap flat";
    }

    @Override
    public DrillResult run(DrillOptions options) throws Exception {
        int cases = options.number("cases", 100_000);
        long seed =
                options.text("seed").map(Long::parseLong).orElseGet(() -> new java.security.SecureRandom().nextLong());
        int only = options.number("case", -1);
        int connections = options.number("connections", 4);
        Duration timeout = options.duration("timeout", Duration.ofSeconds(10));
        options.rejectUnknown();
        System.out.println("  seed " + seed + " (replay: --seed " + seed + ", one case: --case I)");

        Path work = Files.createTempDirectory("pushgate-fuzz-");
        try (StandalonePlatform platform =
                StandalonePlatform.start(options.root(), work, Map.of(), Duration.ofMinutes(20))) {
            DrillTenants tenants = new DrillTenants(platform.tenantService(), platform.deliveryService());
            DrillTenants.Tenant tenant = tenants.withSandbox("Fuzz");
            HttpFuzz.Target target = new HttpFuzz.Target(
                    platform.deliveryPort(),
                    tenant.callbackPath(),
                    tenant.secret(),
                    tenant.appToken(),
                    tenant.axpConfigurationId());
            return fuzz(platform, target, seed, cases, only, connections, timeout);
        } finally {
            deleteQuietly(work);
        }
    }

    DrillResult fuzz(
            StandalonePlatform platform,
            HttpFuzz.Target target,
            long seed,
            int cases,
            int only,
            int connections,
            Duration timeout)
            throws Exception {
        long started = System.nanoTime();
        HttpFuzz.Tally tally = new HttpFuzz.Tally();
        List<String> probeFailures = new ArrayList<>();
        int first = only >= 0 ? only : 0;
        int end = only >= 0 ? only + 1 : cases;
        int warmUp = only >= 0 ? end : first + Math.min(cases / 10, 5_000);
        run(target, seed, first, warmUp, connections, timeout, tally, probeFailures);
        Long heapWarm = only >= 0 ? null : heapAfterFullGc(platform);
        run(target, seed, warmUp, end, connections, timeout, tally, probeFailures);
        Long heapEnd = only >= 0 ? null : heapAfterFullGc(platform);
        String lastProbe = probe(target, timeout);
        if (lastProbe != null) {
            probeFailures.add("at the end: " + lastProbe);
        }
        boolean heapFlat = heapWarm == null
                || heapEnd <= heapWarm + Math.max(HEAP_GROWTH_MIB_FLOOR * MIB, heapWarm * HEAP_GROWTH_PERCENT / 100);
        boolean passed = tally.failed == 0 && probeFailures.isEmpty() && heapFlat && platform.isAlive();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", seed);
        figures.put("cases", tally.cases);
        figures.put("failed", tally.failed);
        figures.put("failureKinds", Map.copyOf(tally.failureKinds));
        figures.put("failuresListed", tally.failures);
        figures.put("statuses", Map.copyOf(tally.statuses));
        figures.put("problemTypes", Map.copyOf(tally.problemTypes));
        figures.put("chunked413", tally.chunked413);
        figures.put("chunked413Closed", tally.chunked413Closed);
        figures.put("probeFailures", probeFailures);
        figures.put("answerP50Millis", tally.percentileMillis(0.50));
        figures.put("answerP99Millis", tally.percentileMillis(0.99));
        figures.put("answerMaxMillis", tally.percentileMillis(1.0));
        figures.put("heapAfterWarmUpMiB", heapWarm == null ? null : heapWarm / MIB);
        figures.put("heapAtEndMiB", heapEnd == null ? null : heapEnd / MIB);
        figures.put("heapFlat", heapFlat);
        figures.put(
                "heapBound", "end <= warm-up + max(" + HEAP_GROWTH_MIB_FLOOR + " MiB, " + HEAP_GROWTH_PERCENT + " %)");
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
        String summary = tally.cases + " cases (seed " + seed + "), " + tally.failed + " failed, statuses "
                + tally.statuses + ", answer p99 " + tally.percentileMillis(0.99) + " ms, 413s to chunked bodies "
                + tally.chunked413 + " (closed " + tally.chunked413Closed + "), probes failed " + probeFailures.size()
                + (heapWarm == null ? "" : ", heap after full GC " + heapWarm / MIB + " -> " + heapEnd / MIB + " MiB")
                + (tally.failureKinds.isEmpty() ? "" : "; failures by kind: " + tally.failureKinds);
        return new DrillResult(name(), passed, summary, figures);
    }

    private static void run(
            HttpFuzz.Target target,
            long seed,
            int from,
            int to,
            int connections,
            Duration timeout,
            HttpFuzz.Tally tally,
            List<String> probeFailures)
            throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                workers.add(threads.submit(() -> {
                    try (HttpFuzz.Connection connection = new HttpFuzz.Connection(target.port(), timeout)) {
                        for (int index; (index = next.getAndIncrement()) < to; ) {
                            exchange(connection, HttpFuzz.generate(seed, index, target), tally);
                            if (index > 0 && index % PROBE_EVERY == 0) {
                                String failure = probe(target, timeout);
                                if (failure != null) {
                                    synchronized (probeFailures) {
                                        probeFailures.add("after case " + index + ": " + failure);
                                    }
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void exchange(HttpFuzz.Connection connection, HttpFuzz.Case request, HttpFuzz.Tally tally) {
        HttpFuzz.Answer answer;
        try {
            answer = connection.exchange(request);
        } catch (SocketTimeoutException e) {
            String before = before(connection);
            connection.close();
            tally.add(request, null, "no answer within the timeout", before);
            return;
        } catch (IOException e) {
            String before = before(connection);
            connection.close();
            tally.add(request, null, "no answer: " + e.getMessage(), before);
            return;
        } catch (RuntimeException e) {
            connection.close();
            tally.add(request, null, "an answer that is not HTTP: " + e);
            return;
        }
        String failure = HttpFuzz.check(request, answer);
        if (failure == null && request.chunked() && answer.status() == 413) {
            boolean closed = connection.closedByServer();
            synchronized (tally) {
                tally.chunked413++;
                if (closed) {
                    tally.chunked413Closed++;
                }
            }
            if (!closed) {
                failure = "a 413 to a chunked body left the connection open";
            }
        }
        tally.add(request, answer, failure);
    }

    /** Which case went before on the connection: a request left unanswered may be the previous one's doing. */
    private static String before(HttpFuzz.Connection connection) {
        HttpFuzz.Case previous = connection.previous();
        return previous == null
                ? "first on its connection"
                : "after case " + previous.index() + " (" + previous.label() + ") on its connection";
    }

    /** A signed, well-formed callback on a new connection: accepted (202) within the timeout, or what went wrong. */
    static String probe(HttpFuzz.Target target, Duration timeout) {
        String eventId = "probe-" + UUID.randomUUID();
        String sessionId = "probe-session";
        byte[] body = ("{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId
                        + "\",\"eventDate\":\"2026-12-06T00:00:00.000Z\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] request = ("POST " + target.callbackPath()
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + AxpSignature.HEADER + ": " + AxpSignature.sign(target.secret(), eventId, sessionId)
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        try (HttpFuzz.Connection connection = new HttpFuzz.Connection(target.port(), timeout)) {
            HttpFuzz.Answer answer = connection.exchange(new HttpFuzz.Case(0, -1, "probe", request, "POST", false));
            return answer.status() == 202 ? null : "a signed callback answered " + answer.status();
        } catch (IOException e) {
            return "a signed callback got no answer: " + e;
        }
    }

    /** The platform JVM's heap in use right after a full collection ({@code jcmd <pid> GC.run}). */
    static long heapAfterFullGc(StandalonePlatform platform) throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(platform.pid()),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gc.waitFor(2, TimeUnit.MINUTES) || gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + said);
        }
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(platform.deliveryService().resolve("/actuator/prometheus"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        double heap = 0;
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        if (heap == 0) {
            throw new IllegalStateException("no jvm_memory_used_bytes{area=\"heap\"} in /actuator/prometheus");
        }
        return (long) heap;
    }

    static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
