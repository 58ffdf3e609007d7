package io.pushgate.microbench;

import io.pushgate.api.axp.AxpEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Writes AXP callbacks signed ahead, for a load generator without a JVM ({@code wrk} with {@code
 * src/main/wrk/callbacks.lua}): one callback a line, its {@code X-hmac}, a tab, its body — the
 * five fields AXP sends, signed as {@link AxpEvent#signature(String)} signs them. Every {@code
 * eventId} is new across all the files of one run, so that each line is accepted once and never
 * answered as a duplicate; a load run reads each file once and must not send a line twice.
 */
public final class PreSignedCallbacks {

    /** Sessions the callbacks are spread over, as the simulator's default. */
    private static final int SESSIONS = 1000;

    private PreSignedCallbacks() {}

    /** Writes {@code count} callbacks to {@code file}, numbered from {@code first}. */
    static void write(String secret, Path file, long first, long count) {
        String eventDate = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long n = first; n < first + count; n++) {
                AxpEvent event = new AxpEvent(
                        UUID.randomUUID().toString(),
                        "bench-session-" + (n % SESSIONS),
                        "bench-conversation-" + n,
                        "bench-customer-" + (n % SESSIONS),
                        eventDate,
                        Map.of());
                out.write(event.signature(secret));
                out.write('\t');
                out.write(event.toJson());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code FILE COUNT [FILE COUNT ...]}, the configuration's secret in {@code PUSHGATE_BENCH_SECRET}. */
    public static void main(String[] args) {
        String secret = System.getenv("PUSHGATE_BENCH_SECRET");
        long[] counts = counts(args);
        if (secret == null || secret.isBlank() || counts == null) {
            System.err.println("usage: PUSHGATE_BENCH_SECRET=<the configuration's secret> java -cp"
                    + " infra/microbench/target/pushgate-microbench.jar io.pushgate.microbench.PreSignedCallbacks"
                    + " FILE COUNT [FILE COUNT ...]   (COUNT: a whole number above 0)");
            System.exit(2);
        }
        long first = 0;
        for (int i = 0; i < counts.length; i++) {
            write(secret, Path.of(args[2 * i]), first, counts[i]);
            first += counts[i];
        }
    }

    /** Each file's count, or {@code null} when the arguments are not pairs of a file and a count above 0. */
    static long[] counts(String[] args) {
        if (args.length == 0 || args.length % 2 != 0) {
            return null;
        }
        long[] counts = new long[args.length / 2];
        for (int i = 0; i < counts.length; i++) {
            try {
                counts[i] = Long.parseLong(args[2 * i + 1]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (counts[i] < 1) {
                return null;
            }
        }
        return counts;
    }
}
