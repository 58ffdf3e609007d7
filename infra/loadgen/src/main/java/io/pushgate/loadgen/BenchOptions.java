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
        Optional<URI> setup,
        URI callbackUrl,
        String secret,
        int rate,
        int concurrency,
        Duration duration,
        Duration warmup,
        int sessions,
        String sessionPrefix,
        int connections,
        Optional<Database> verifyDatabase,
        Path out) {

    /** The PostgreSQL whose {@code delivery.notification} must hold every accepted event. */
    record Database(String url, String user, String password) {}

    static final String USAGE = String.join(
            "\n",
            "usage: pushgate bench callbacks (--setup TENANT_SERVICE_URL | --url CALLBACK_URL --secret SECRET)",
            "                                (--rate N | --concurrency N) [options]",
            "  --setup URL          sign up a new tenant at tenant-service (e.g. http://localhost:8081) and",
            "                       create a configuration there; its callback URL and secret are used",
            "  --url URL            the configuration's callback URL (http://host:8080/axp/callbacks/KEY)",
            "  --secret SECRET      the configuration's secret (or set PUSHGATE_BENCH_SECRET)",
            "  --rate N             open model: N callbacks per second on a fixed schedule",
            "  --concurrency N      closed model: N callers, each sending its next callback when answered",
            "  --duration D         how long to measure, e.g. 60s (default 60s)",
            "  --warmup D           sent first and not measured (default 10s)",
            "  --sessions N         distinct sessionIds to spread callbacks over (default 1000)",
            "  --session-prefix P   sessionIds P0 … P(N-1) instead of random ones, e.g. to register devices",
            "                       for them beforehand and measure delivery too",
            "  --connections N      HTTP connections at most (default 256)",
            "  --verify-db URL      postgresql://host:port/db whose delivery.notification must hold every",
            "                       accepted eventId afterwards (user: --db-user, default postgres; password:",
            "                       --db-password or PUSHGATE_DB_PASSWORD)",
            "  --out FILE           where the JSON result goes (default bench-callbacks.json)");

    private static final Set<String> FLAGS = Set.of(
            "--setup",
            "--url",
            "--secret",
            "--rate",
            "--concurrency",
            "--duration",
            "--warmup",
            "--sessions",
            "--session-prefix",
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
        Optional<URI> setup = Optional.ofNullable(values.get("--setup")).map(URI::create);
        String url;
        String secret;
        if (setup.isPresent()) {
            if (values.containsKey("--url") || values.containsKey("--secret")) {
                throw new IllegalArgumentException(
                        "--setup makes its own configuration: give it without --url and --secret");
            }
            url = "http://set-up.by/--setup";
            secret = "";
        } else {
            url = require(values, "--url");
            secret = Optional.ofNullable(values.get("--secret"))
                    .or(() -> Optional.ofNullable(environment.get("PUSHGATE_BENCH_SECRET")))
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--secret (or PUSHGATE_BENCH_SECRET) is required, or --setup"));
        }
        int rate = positiveOrZero(values, "--rate");
        int concurrency = positiveOrZero(values, "--concurrency");
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("give exactly one of --rate and --concurrency");
        }
        Optional<Database> database = Optional.ofNullable(values.get("--verify-db"))
                .map(db -> new Database(
                        db.startsWith("jdbc:") ? db : "jdbc:" + db,
                        values.getOrDefault("--db-user", "postgres"),
                        values.getOrDefault("--db-password", environment.getOrDefault("PUSHGATE_DB_PASSWORD", ""))));
        return new BenchOptions(
                setup,
                URI.create(url),
                secret,
                rate,
                concurrency,
                duration(values.getOrDefault("--duration", "60s"), "--duration"),
                duration(values.getOrDefault("--warmup", "10s"), "--warmup"),
                Math.max(1, positiveOrZero(values, "--sessions", 1000)),
                values.get("--session-prefix"),
                Math.max(1, positiveOrZero(values, "--connections", 256)),
                database,
                Path.of(values.getOrDefault("--out", "bench-callbacks.json")));
    }

    /** The same run against the configuration that {@code --setup} made. */
    BenchOptions withTarget(URI callbackUrl, String secret) {
        return new BenchOptions(
                Optional.empty(),
                callbackUrl,
                secret,
                rate,
                concurrency,
                duration,
                warmup,
                sessions,
                sessionPrefix,
                connections,
                verifyDatabase,
                out);
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
