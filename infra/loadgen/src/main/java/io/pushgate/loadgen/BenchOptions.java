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
        Duration generatorWarmup,
        int sessions,
        List<String> sessionIds,
        int connections,
        Optional<Database> verifyDatabase,
        Optional<URI> emulator,
        Duration deliveryTimeout,
        Path out,
        Optional<Disruption.Plan> disruption,
        Optional<Path> inDoubt) {

    /** The PostgreSQL whose {@code delivery.notification} must hold every accepted event. */
    record Database(String url, String user, String password) {}

    static final String USAGE = String.join(
            "\n",
            "usage: pushgate bench callbacks (--setup TENANT_SERVICE_URL | --url CALLBACK_URL --secret SECRET)",
            "                                (--rate N | --concurrency N) [options]",
            "       pushgate bench registrations --setup TENANT_SERVICE_URL (--rate N | --concurrency N) [options]",
            "                       (device registrations by a new tenant's app client: PUT /v1/device-registrations)",
            "  --setup URL          sign up a new tenant at tenant-service (e.g. http://localhost:8081) and",
            "                       create a configuration there; its callback URL and secret are used",
            "  --url URL            the configuration's callback URL (http://host:8080/axp/callbacks/KEY)",
            "  --secret SECRET      the configuration's secret (or set PUSHGATE_BENCH_SECRET)",
            "  --rate N             open model: N callbacks per second on a fixed schedule",
            "  --concurrency N      closed model: N callers, each sending its next callback when answered",
            "  --duration D         how long to measure, e.g. 60s (default 60s)",
            "  --warmup D           sent first and not measured (default 10s)",
            "  --generator-warmup D before anything reaches the target, the simulator sends the same callbacks",
            "                       at the same rate for D to a sink of its own on loopback, to warm its own JVM:",
            "                       with --warmup 0s the first measured window is the platform's cold start,",
            "                       not the simulator's (default 0s)",
            "  --sessions N         distinct sessionIds to spread callbacks over (default 1000); with --setup",
            "                       and --emulator, each gets a device registered through the registration API",
            "  --connections N      HTTP connections at most (default 256)",
            "  --verify-db URL      postgresql://host:port/db whose delivery.notification must hold every",
            "                       accepted eventId afterwards (user: --db-user, default postgres; password:",
            "                       --db-password or PUSHGATE_DB_PASSWORD)",
            "  --emulator URL       the FCM emulator (e.g. http://127.0.0.1:8085) to check afterwards that every",
            "                       accepted event was pushed exactly once, and how long from 202 to push;",
            "                       with --setup the configuration pushes Android through the sandbox",
            "  --delivery-timeout D how long to wait for the last pushes (default 60s)",
            "  --out FILE           where the JSON result goes (default bench-callbacks.json)",
            "  --kill PIDFILE       kill -9 the process whose pid is in PIDFILE (a delivery-service instance of",
            "                       ./pushgate up --delivery-instances N: PUSHGATE_HOME/run/delivery-service-2.pid)",
            "                       in the middle of the run; needs --emulator and --verify-db: a push sent twice",
            "                       counts as a fault unless its notification was unfinished when the process died",
            "  --stop PIDFILE       the same with SIGTERM, a graceful stop: every push must arrive exactly once",
            "  --at D               when, counted from the start of the measured window (default: its middle)",
            "  --in-doubt FILE      eventIds (one a line), read when the run is over, whose second push has a cause:",
            "                       unfinished when a process was killed by someone else (./pushgate drill crash)");

    private static final Set<String> FLAGS = Set.of(
            "--setup",
            "--url",
            "--secret",
            "--rate",
            "--concurrency",
            "--duration",
            "--warmup",
            "--generator-warmup",
            "--sessions",
            "--connections",
            "--verify-db",
            "--db-user",
            "--db-password",
            "--emulator",
            "--delivery-timeout",
            "--out",
            "--kill",
            "--stop",
            "--at",
            "--in-doubt");

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
        Duration duration = duration(values.getOrDefault("--duration", "60s"), "--duration");
        Optional<Disruption.Plan> disruption = disruption(values, duration, database.isPresent());
        if (disruption.isPresent() && !values.containsKey("--emulator")) {
            throw new IllegalArgumentException("--kill and --stop need --emulator: what arrived is counted there");
        }
        return new BenchOptions(
                setup,
                URI.create(url),
                secret,
                rate,
                concurrency,
                duration,
                duration(values.getOrDefault("--warmup", "10s"), "--warmup"),
                duration(values.getOrDefault("--generator-warmup", "0s"), "--generator-warmup"),
                Math.max(1, positiveOrZero(values, "--sessions", 1000)),
                List.of(),
                Math.max(1, positiveOrZero(values, "--connections", 256)),
                database,
                Optional.ofNullable(values.get("--emulator")).map(URI::create),
                duration(values.getOrDefault("--delivery-timeout", "60s"), "--delivery-timeout"),
                Path.of(values.getOrDefault("--out", "bench-callbacks.json")),
                disruption,
                Optional.ofNullable(values.get("--in-doubt")).map(Path::of));
    }

    private static Optional<Disruption.Plan> disruption(
            Map<String, String> values, Duration duration, boolean verifiesDatabase) {
        if (values.containsKey("--kill") && values.containsKey("--stop")) {
            throw new IllegalArgumentException("give one of --kill and --stop");
        }
        boolean kill = values.containsKey("--kill");
        String pidFile = kill ? values.get("--kill") : values.get("--stop");
        if (pidFile == null) {
            if (values.containsKey("--at")) {
                throw new IllegalArgumentException("--at needs --kill or --stop");
            }
            return Optional.empty();
        }
        if (kill && !verifiesDatabase) {
            throw new IllegalArgumentException(
                    "--kill needs --verify-db: which notifications were unfinished when the process died is read there");
        }
        Duration at = values.containsKey("--at") ? duration(values.get("--at"), "--at") : duration.dividedBy(2);
        if (at.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("--at must fall within --duration");
        }
        return Optional.of(new Disruption.Plan(kill, Path.of(pidFile), at));
    }

    /** The same run against the configuration that {@code --setup} made, for its registered sessions. */
    BenchOptions withTarget(URI callbackUrl, String secret, List<String> sessionIds) {
        return new BenchOptions(
                Optional.empty(),
                callbackUrl,
                secret,
                rate,
                concurrency,
                duration,
                warmup,
                generatorWarmup,
                sessions,
                List.copyOf(sessionIds),
                connections,
                verifyDatabase,
                emulator,
                deliveryTimeout,
                out,
                disruption,
                inDoubt);
    }

    /**
     * The simulator's own warm-up: the same callbacks at the same rate to {@code sink}, all of it
     * warm-up (nothing measured, no check, no disruption).
     */
    BenchOptions againstSink(URI sink) {
        return new BenchOptions(
                Optional.empty(),
                sink,
                secret,
                rate,
                concurrency,
                Duration.ZERO,
                generatorWarmup,
                Duration.ZERO,
                sessions,
                sessionIds,
                connections,
                Optional.empty(),
                Optional.empty(),
                deliveryTimeout,
                out,
                Optional.empty(),
                Optional.empty());
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
