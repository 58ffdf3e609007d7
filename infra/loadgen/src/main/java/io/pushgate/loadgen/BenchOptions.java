package io.pushgate.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one run of the AXP simulator does. Exactly one of {@code rate} (open model: callbacks are
 * sent on a fixed schedule whatever the server does, and latency counts from the intended send
 * time) and {@code concurrency} (closed model: that many callers, each waiting for its answer)
 * is positive.
 */
record BenchOptions(
        URI callbackUrl,
        String secret,
        int rate,
        int concurrency,
        Duration duration,
        Duration warmup,
        int sessions,
        int connections,
        Optional<Database> verifyDatabase,
        Path out) {

    /** The PostgreSQL whose {@code delivery.notification} must hold every accepted event. */
    record Database(String url, String user, String password) {}

    static final String USAGE = String.join(
            "\n",
            "usage: pushgate bench callbacks --url CALLBACK_URL --secret SECRET (--rate N | --concurrency N) [options]",
            "  --url URL            the configuration's callback URL (http://host:8080/axp/callbacks/KEY)",
            "  --secret SECRET      the configuration's secret (or set PUSHGATE_BENCH_SECRET)",
            "  --rate N             open model: N callbacks per second on a fixed schedule",
            "  --concurrency N      closed model: N callers, each sending its next callback when answered",
            "  --duration D         how long to measure, e.g. 60s (default 60s)",
            "  --warmup D           sent first and not measured (default 10s)",
            "  --sessions N         distinct sessionIds to spread callbacks over (default 1000)",
            "  --connections N      HTTP connections at most (default 256)",
            "  --verify-db URL      postgresql://host:port/db whose delivery.notification must hold every",
            "                       accepted eventId afterwards (user/password: --db-user, --db-password)",
            "  --out FILE           where the JSON result goes (default bench-callbacks.json)");

    private static final Set<String> FLAGS = Set.of(
            "--url",
            "--secret",
            "--rate",
            "--concurrency",
            "--duration",
            "--warmup",
            "--sessions",
            "--connections",
            "--verify-db",
            "--db-user",
            "--db-password",
            "--out");

    static BenchOptions parse(List<String> args, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            values.put(flag, args.get(++i));
        }
        String url = require(values, "--url");
        String secret = Optional.ofNullable(values.get("--secret"))
                .or(() -> Optional.ofNullable(environment.get("PUSHGATE_BENCH_SECRET")))
                .orElseThrow(() -> new IllegalArgumentException("--secret (or PUSHGATE_BENCH_SECRET) is required"));
        int rate = positiveOrZero(values, "--rate");
        int concurrency = positiveOrZero(values, "--concurrency");
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("give exactly one of --rate and --concurrency");
        }
        Optional<Database> database = Optional.ofNullable(values.get("--verify-db"))
                .map(db -> new Database(
                        db.startsWith("jdbc:") ? db : "jdbc:" + db,
                        values.getOrDefault("--db-user", "postgres"),
                        values.getOrDefault("--db-password", "")));
        return new BenchOptions(
                URI.create(url),
                secret,
                rate,
                concurrency,
                duration(values.getOrDefault("--duration", "60s"), "--duration"),
                duration(values.getOrDefault("--warmup", "10s"), "--warmup"),
                Math.max(1, positiveOrZero(values, "--sessions", 1000)),
                Math.max(1, positiveOrZero(values, "--connections", 256)),
                database,
                Path.of(values.getOrDefault("--out", "bench-callbacks.json")));
    }

    private static String require(Map<String, String> values, String flag) {
        String value = values.get(flag);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(flag + " is required");
        }
        return value;
    }

    private static int positiveOrZero(Map<String, String> values, String flag) {
        return positiveOrZero(values, flag, 0);
    }

    private static int positiveOrZero(Map<String, String> values, String flag, int defaultValue) {
        String value = values.get(flag);
        if (value == null) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a whole number ≥ 0, not '" + value + "'");
    }

    /** {@code 90s}, {@code 2m}, {@code 500ms} or an ISO-8601 duration. */
    static Duration duration(String value, String flag) {
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(flag + " must look like 60s, 2m or 500ms, not '" + value + "'");
        }
    }
}
