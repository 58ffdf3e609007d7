package io.pushgate.emulator;

import com.google.firebase.FirebaseApp;
import com.google.firebase.messaging.FirebaseMessaging;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the FCM emulator's throughput: {@code concurrency} closed-loop senders for {@code seconds}
 * (after a warm-up of the same length), each sending one message and waiting for its answer. Not a test;
 * run by hand: {@code java -cp ... io.pushgate.emulator.FcmEmulatorBenchmark [http|firebase] [concurrency]
 * [seconds]}. Client and emulator share the JVM and the machine.
 */
public final class FcmEmulatorBenchmark {

    private FcmEmulatorBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "http";
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (FcmEmulator emulator = FcmEmulator.start()) {
            Sender sender = mode.equals("firebase") ? firebase(emulator) : http(emulator);
            run(emulator, sender, concurrency, seconds, false);
            emulator.reset();
            run(emulator, sender, concurrency, seconds, true);
        }
        System.exit(0);
    }

    interface Sender {
        boolean send(int n) throws Exception;
    }

    private static Sender http(FcmEmulator emulator) {
        emulator.acceptAccessToken("benchmark");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4))
                .build();
        URI uri = emulator.baseUri().resolve("/v1/projects/bench/messages:send");
        return n -> {
            String body = "{\"message\":{\"token\":\"device-" + (n % 10_000)
                    + "\",\"data\":{\"axp.eventId\":\"evt-" + n
                    + "\",\"axp.sessionId\":\"s\"},\"android\":{\"priority\":\"high\",\"ttl\":\"600s\"}}}";
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer benchmark")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        };
    }

    private static Sender firebase(FcmEmulator emulator) {
        FirebaseApp app = TestFirebaseApps.withServiceAccount(emulator, emulator.mintServiceAccount("bench"));
        FirebaseMessaging messaging = TestFirebaseApps.messaging(app);
        return n -> {
            messaging.send(FcmEmulatorIntegrationTests.to("device-" + (n % 10_000))
                    .putData("axp.eventId", "evt-" + n)
                    .putData("axp.sessionId", "s")
                    .build());
            return true;
        };
    }

    private static void run(FcmEmulator emulator, Sender sender, int concurrency, int seconds, boolean report)
            throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicInteger counter = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        long[][] latencies = new long[concurrency][];
        int[] counts = new int[concurrency];
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            int slot = t;
            latencies[slot] = new long[seconds * 20_000];
            threads.submit(() -> {
                while (System.nanoTime() < end) {
                    long before = System.nanoTime();
                    try {
                        if (!sender.send(counter.incrementAndGet())) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    if (counts[slot] < latencies[slot].length) {
                        latencies[slot][counts[slot]++] = System.nanoTime() - before;
                    }
                }
                return null;
            });
        }
        threads.shutdown();
        threads.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!report) {
            return;
        }
        long[] all = Arrays.stream(latencies)
                .flatMapToLong(slot -> Arrays.stream(slot))
                .filter(value -> value > 0)
                .sorted()
                .toArray();
        System.out.printf(
                "concurrency %d, %.1f s: %d sends, %.0f/s, failures %d, recorded %d; latency ms p50 %.2f p95 %.2f"
                        + " p99 %.2f max %.2f%n",
                concurrency,
                elapsed,
                all.length,
                all.length / elapsed,
                failures.get(),
                emulator.messages(null, null, Integer.MAX_VALUE, Long.MAX_VALUE).size(),
                percentile(all, 0.50),
                percentile(all, 0.95),
                percentile(all, 0.99),
                all[all.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
