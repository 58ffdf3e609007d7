package io.pushgate.drills;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./pushgate drill crash}: {@code kill -9} of delivery-service instances at random moments of a
 * callback run, the launcher starting each again; then every callback that got a 202 must have its
 * row and be pushed exactly once within the delivery window — a second push only where the kill
 * explains it (the notification was unfinished when its process died: sent, its answer not recorded)
 * or a recorded time-out does, and then with the same collapse key.
 *
 * <p>The kills follow the platform, not the clock: each comes a random delay (up to {@code
 * --kill-gap}) after the platform can take it — another instance ready beside the victim — so a slow
 * restart delays the next kill instead of cancelling it. For each kill the drill reports where the
 * killed instance's new process spent its time until ready (its log: JVM, first line, Flyway, web
 * server, Spring started).
 *
 * <p>Each kill reads PostgreSQL's sessions of the doomed process first ({@code pg_stat_activity},
 * matched through the process's sockets). The first {@code --mid-batch} kills land mid-batch of the
 * inbox's grouped insert by design: the drill holds the inbox's dedup table in {@code SHARE} mode for
 * a moment (every instance's grouped insert then waits in the server, sent but not answered), kills
 * the victim once one of its inserts waits, and lets go after the process is dead; the statement then
 * runs on for a client that is gone. A kill counts as mid-batch only when the victim's insert was still
 * running after its process had died. Afterwards the drill counts that statement's rows (their {@code
 * received_at} is its transaction start): the keys it took are stored although their callers got no
 * answer from that process (the front sent them to another instance, which answers {@code 200
 * duplicate} — or {@code 202} for a key it stored first). The other kills fall where they fall.
 */
final class CrashDrill implements Drill {

    private static final String INBOX_INSERT = "INSERT INTO delivery.notification_dedup";

    @Override
    public String name() {
        return "crash";
    }

    @Override
    public String description() {
        return "kill -9 of delivery-service instances during a callback run; every 202 pushed exactly once";
    }

    private record Settings(
            int instances,
            int rate,
            Duration warmup,
            Duration duration,
            int sessions,
            int kills,
            int midBatch,
            Duration killGap,
            Duration lease,
            Duration deliveryWindow,
            Duration recoveryLimit,
            long seed,
            Duration startTimeout) {

        static Settings from(DrillOptions options) {
            Settings settings = new Settings(
                    options.number("instances", 3),
                    options.number("rate", 2000),
                    options.duration("warmup", Duration.ofSeconds(10)),
                    // five kills, each once another instance is ready beside the victim: with
                    // delivery-service's warm-up a killed instance was ready again 34–97 s later at
                    // 2,000/s on two cores (21–32 s without it), and 120 s held only four kills
                    options.duration("duration", Duration.ofSeconds(180)),
                    options.number("sessions", 1000),
                    options.number("kills", 5),
                    options.number("mid-batch", 1),
                    options.duration("kill-gap", Duration.ofSeconds(10)),
                    options.duration("lease", Duration.ofSeconds(30)),
                    options.duration("delivery-window", Duration.ofMinutes(10)),
                    options.duration("recovery-limit", Duration.ofMinutes(3)),
                    Long.parseLong(options.text("seed", Long.toString(System.nanoTime()))),
                    options.duration("start-timeout", Duration.ofMinutes(15)));
            if (settings.instances < 2) {
                throw new IllegalArgumentException(
                        "--instances must be at least 2: one keeps serving while another dies");
            }
            if (settings.kills < 1 || settings.midBatch > settings.kills) {
                throw new IllegalArgumentException("--kills must be at least 1 and at least --mid-batch");
            }
            return settings;
        }
    }

    /** One kill: whom, when, what PostgreSQL was doing for it, what it left, how long it took to come back. */
    private record Kill(
            String instance,
            long pid,
            double atSeconds,
            Instant killedAt,
            boolean aimed,
            int sessions,
            boolean insertSeen,
            boolean midBatch,
            Long batchRowsStored,
            int unfinished,
            Path log,
            CompletableFuture<Recovery> recovery) {

        /** Seconds from the kill until a new process of the instance answered ready; null: not within the limit. */
        Double readyAgain() {
            Recovery done = recovery.getNow(null);
            return done == null ? null : done.readySeconds();
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("instance", instance);
            map.put("pid", pid);
            map.put("atSeconds", atSeconds);
            map.put("aimedAtTheInboxInsert", aimed);
            map.put("databaseSessionsOfTheProcess", sessions);
            map.put("inboxInsertRunningAtTheKill", insertSeen);
            map.put("midBatchOfTheInboxInsert", midBatch);
            map.put("rowsOfThatBatchStored", batchRowsStored);
            map.put("unfinishedNotificationsAfterTheKill", unfinished);
            Recovery done = recovery.getNow(null);
            map.put("readyAgainSeconds", done == null ? null : done.readySeconds());
            if (done != null) {
                // seconds after the kill: the launcher's new process, then its own log's milestones
                Map<String, Object> restart = new LinkedHashMap<>();
                restart.put("newProcessSeen", done.newProcessSeconds());
                restart.putAll(StartupProfile.of(log, done.pid(), killedAt));
                restart.put("readySeen", done.readySeconds());
                restart.put("cpuSecondsOfTheNewProcessUntilReady", done.cpuSecondsUntilReady());
                map.put("restartSeconds", restart);
            }
            return map;
        }
    }

    /** A killed instance back: its new process, seconds after the kill until it was seen and seen ready. */
    private record Recovery(long pid, double newProcessSeconds, Double readySeconds, Double cpuSecondsUntilReady) {}

    @Override
    public DrillResult run(DrillOptions options) throws Exception {
        Settings settings = Settings.from(options);
        options.rejectUnknown();
        Path work = DrillWork.folder(options, name());
        Random random = new Random(settings.seed);
        Map<String, String> platformSettings = new HashMap<>();
        platformSettings.put("PUSHGATE_INBOX_LEASE", settings.lease.toMillis() + "ms");
        // every push of the run must stay in the emulator's record for the exactly-once count
        long expected = (long) settings.rate * (settings.warmup.toSeconds() + settings.duration.toSeconds());
        platformSettings.put("PUSHGATE_SANDBOX_MAX_MESSAGES", Long.toString(Math.max(100_000, expected * 2)));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", settings.seed);
        figures.put("instances", settings.instances);
        figures.put("targetRatePerSecond", settings.rate);
        figures.put("warmupSeconds", settings.warmup.toSeconds());
        figures.put("durationSeconds", settings.duration.toSeconds());
        figures.put("killGapSeconds", settings.killGap.toMillis() / 1000.0);
        figures.put("leaseSeconds", settings.lease.toMillis() / 1000.0);
        figures.put("deliveryWindowSeconds", settings.deliveryWindow.toSeconds());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("loadAverageAtStart", DrillWork.loadAverage());
        List<Kill> kills = new ArrayList<>();
        Path inDoubt = work.resolve("in-doubt.txt");
        Files.writeString(inDoubt, "");
        DrillResult result;
        try (DrillDatabase database = DrillDatabase.start(work.resolve("postgres"));
                DrillPlatform platform = DrillPlatform.start(
                        options.root(),
                        work.resolve("home"),
                        database,
                        settings.instances,
                        platformSettings,
                        settings.startTimeout)) {
            Simulator simulator = Simulator.start(
                    options.root(),
                    List.of(
                            "--setup", platform.tenantService().toString(),
                            "--emulator", platform.sandbox().toString(),
                            "--sessions", Integer.toString(settings.sessions),
                            "--rate", Integer.toString(settings.rate),
                            "--warmup", settings.warmup.toSeconds() + "s",
                            "--duration", settings.duration.toSeconds() + "s",
                            "--verify-db", database.url(),
                            "--db-user", database.user(),
                            "--delivery-timeout",
                                    (settings.lease.toSeconds() + settings.recoveryLimit.toSeconds()) + "s",
                            "--in-doubt", inDoubt.toString()),
                    database.password(),
                    work.resolve("simulator.json"));
            long sendingSince = simulator.awaitSending(Duration.ofMinutes(5));
            long measuredFrom = sendingSince + settings.warmup.toNanos();
            // no kill in the window's last twentieth: the simulator reads the in-doubt file once its run is over
            long killsUntil = measuredFrom + settings.duration.toNanos() * 95 / 100;
            try (Connection observer = database.connect();
                    InboxGate gate = new InboxGate(database.connect())) {
                long earliest = measuredFrom;
                for (int i = 0; i < settings.kills; i++) {
                    // the next kill comes a random delay after the platform can take it: another instance
                    // ready beside the victim (a slow restart postpones it rather than cancels it)
                    Optional<Long> possibleFrom = twoReady(platform, killsUntil);
                    if (possibleFrom.isEmpty()) {
                        break; // the window ended before another instance was ready
                    }
                    long at = Math.max(earliest, possibleFrom.get())
                            + (long) (random.nextDouble() * settings.killGap.toNanos());
                    if (at > killsUntil) {
                        break;
                    }
                    sleepUntil(at);
                    Optional<String> victim = victim(platform, random, killsUntil);
                    if (victim.isEmpty()) {
                        break;
                    }
                    kills.add(kill(
                            platform,
                            database,
                            observer,
                            gate,
                            victim.get(),
                            i < settings.midBatch,
                            measuredFrom,
                            inDoubt,
                            settings.recoveryLimit));
                    earliest = System.nanoTime();
                }
            }
            // every killed instance must come back by itself (the launcher starts it again)
            for (Kill kill : kills) {
                kill.recovery.join();
            }
            Simulator.Finished finished = simulator.await(settings.warmup
                    .plus(settings.duration)
                    .plus(settings.lease)
                    .plus(settings.recoveryLimit)
                    .plus(Duration.ofMinutes(5)));
            figures.put("loadAverageAtEnd", DrillWork.loadAverage());
            result = verdict(settings, figures, kills, finished);
        }
        return DrillWork.settle(result, work);
    }

    /** When at least two instances answer ready (now, or the first moment until {@code until}); empty: not before it. */
    private static Optional<Long> twoReady(DrillPlatform platform, long until) throws InterruptedException {
        List<String> names = new ArrayList<>(new TreeSet<>(platform.instances().keySet()));
        while (System.nanoTime() < until) {
            if (names.stream().filter(platform::ready).count() >= 2) {
                return Optional.of(System.nanoTime());
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    /**
     * A random instance that is running while another one is ready (so that the front can still serve);
     * waits for that until the end of the measured window.
     */
    private static Optional<String> victim(DrillPlatform platform, Random random, long until)
            throws InterruptedException {
        List<String> names = new ArrayList<>(new TreeSet<>(platform.instances().keySet()));
        while (System.nanoTime() < until) {
            List<String> ready = names.stream().filter(platform::ready).toList();
            if (ready.size() >= 2) {
                return Optional.of(ready.get(random.nextInt(ready.size())));
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    private static Kill kill(
            DrillPlatform platform,
            DrillDatabase database,
            Connection observer,
            InboxGate gate,
            String instance,
            boolean aimed,
            long measuredFrom,
            Path inDoubt,
            Duration recoveryLimit)
            throws Exception {
        long pid = platform.pid(instance).orElseThrow();
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("no process " + pid + " for " + instance));
        int databasePort = Integer.parseInt(database.url().replaceAll("^.*:(\\d+)/.*$", "$1"));
        // an aimed kill waits for the gate; another takes the moment as it is
        Sessions sessions = aimed
                ? new Sessions(0, null, null, null)
                : sessions(observer, ProcessSockets.localPortsTo(pid, databasePort));
        boolean gated = false;
        if (aimed) {
            // the inbox's grouped insert waits for the drill's lock, in flight: the kill cannot miss it
            for (int attempt = 0; attempt < 10 && sessions.insertStartedAt == null; attempt++) {
                if (!gate.hold()) {
                    Thread.sleep(200);
                    continue;
                }
                gated = true;
                sessions = awaitWaitingInsert(observer, pid, databasePort, Duration.ofSeconds(1));
                if (sessions.insertStartedAt == null) {
                    gate.release();
                    gated = false;
                    Thread.sleep(200);
                }
            }
        }
        Instant killedAtWall = Instant.now();
        process.destroyForcibly();
        long killedAt = System.nanoTime();
        while (process.isAlive()) {
            if (System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(10)) {
                throw new IllegalStateException("process " + pid + " survived kill -9");
            }
            Thread.sleep(5);
        }
        // mid-batch: the statement the kill interrupted is still running now that its client is gone
        boolean midBatch = sessions.insertStartedAt != null
                && stillRunning(observer, sessions.insertBackend, sessions.insertQueryStart);
        if (gated) {
            gate.release();
        }
        CompletableFuture<Recovery> recovery = new CompletableFuture<>();
        Thread watcher = new Thread(
                () -> recovery.complete(recovery(platform, instance, pid, killedAt, recoveryLimit)),
                "drill-ready-again-" + instance);
        watcher.setDaemon(true);
        watcher.start();
        double atSeconds = (killedAt - measuredFrom) / 1e9;
        // what the process left unfinished: a second push of these has a cause
        List<String> unfinished = new ArrayList<>();
        try (var query = observer.prepareStatement(
                        "SELECT event_id FROM delivery.notification WHERE status IN ('accepted', 'retrying')");
                var rows = query.executeQuery()) {
            while (rows.next()) {
                unfinished.add(rows.getString(1));
            }
        }
        Files.writeString(
                inDoubt,
                unfinished.isEmpty() ? "" : String.join("\n", unfinished) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Long batchRows = null;
        if (sessions.insertStartedAt != null) {
            // the server ends the statement on its own (it commits, or fails writing the answer and rolls back)
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until
                    && stillRunning(observer, sessions.insertBackend, sessions.insertQueryStart)) {
                Thread.sleep(50);
            }
            try (var query =
                    observer.prepareStatement("SELECT count(*) FROM delivery.notification WHERE received_at = ?")) {
                query.setTimestamp(1, sessions.insertStartedAt);
                try (var rows = query.executeQuery()) {
                    rows.next();
                    batchRows = rows.getLong(1);
                }
            }
        }
        return new Kill(
                instance,
                pid,
                Math.round(atSeconds * 10) / 10.0,
                killedAtWall,
                aimed,
                sessions.count,
                sessions.insertStartedAt != null,
                midBatch,
                batchRows,
                unfinished.size(),
                platform.home().resolve("logs").resolve(instance + ".log"),
                recovery);
    }

    /**
     * The drill's hold on the inbox: {@code LOCK TABLE delivery.notification_dedup IN SHARE MODE} in a
     * transaction of its own. Every grouped insert (its {@code INSERT … INTO notification_dedup} takes
     * {@code ROW EXCLUSIVE}) waits in the server until {@link #release()}; reads do not. Held for at
     * most a second or so each time, well within the inbox's time-out ({@code pushgate.inbox.timeout}, 2 s).
     */
    private static final class InboxGate implements AutoCloseable {

        private final Connection connection;

        InboxGate(Connection connection) throws SQLException {
            this.connection = connection;
            connection.setAutoCommit(false);
        }

        /** Takes the lock; false when it was not granted within a second (a long writer held the table). */
        boolean hold() throws SQLException {
            try (var statement = connection.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '1s'");
                statement.execute("LOCK TABLE delivery.notification_dedup IN SHARE MODE");
                return true;
            } catch (SQLException notGranted) {
                connection.rollback();
                return false;
            }
        }

        void release() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            try {
                connection.rollback();
            } finally {
                connection.close();
            }
        }
    }

    /** Waits up to {@code limit} for an inbox insert of the process to wait for a lock (the gate's). */
    private static Sessions awaitWaitingInsert(Connection observer, long pid, int databasePort, Duration limit)
            throws SQLException, InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        Set<Integer> ports = ProcessSockets.localPortsTo(pid, databasePort);
        long portsRead = System.nanoTime();
        Sessions sessions = new Sessions(ports.size(), null, null, null);
        while (System.nanoTime() < until) {
            sessions = sessions(observer, ports);
            if (sessions.insertStartedAt != null) {
                return sessions;
            }
            if (System.nanoTime() - portsRead > TimeUnit.MILLISECONDS.toNanos(100)) {
                ports = ProcessSockets.localPortsTo(pid, databasePort); // the pool may have opened another
                portsRead = System.nanoTime();
            }
            Thread.sleep(2);
        }
        return sessions;
    }

    /** The process's PostgreSQL sessions; the inbox insert running in one of them, if any. */
    private record Sessions(int count, Integer insertBackend, Timestamp insertStartedAt, Timestamp insertQueryStart) {}

    private static Sessions sessions(Connection observer, Set<Integer> ports) throws SQLException {
        if (ports.isEmpty()) {
            return new Sessions(0, null, null, null);
        }
        try (var query = observer.prepareStatement(
                "SELECT pid, state, xact_start, query_start, query FROM pg_stat_activity WHERE client_port = ANY (?)")) {
            query.setArray(1, observer.createArrayOf("int4", ports.toArray()));
            int count = 0;
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    count++;
                    String text = rows.getString(5);
                    if ("active".equals(rows.getString(2)) && text != null && text.contains(INBOX_INSERT)) {
                        return new Sessions(ports.size(), rows.getInt(1), rows.getTimestamp(3), rows.getTimestamp(4));
                    }
                }
            }
            return new Sessions(count, null, null, null);
        }
    }

    /** Whether backend {@code backend} still runs the inbox insert it began at {@code queryStart}. */
    private static boolean stillRunning(Connection observer, int backend, Timestamp queryStart) throws SQLException {
        try (var query = observer.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'active'"
                + " AND query_start = ? AND query LIKE '%" + INBOX_INSERT + "%'")) {
            query.setInt(1, backend);
            query.setTimestamp(2, queryStart);
            try (var rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * The launcher's new process of the instance: seconds from the kill until it was seen and until it
     * answered ready (null when not within {@code limit}).
     */
    private static Recovery recovery(
            DrillPlatform platform, String instance, long killedPid, long killedAt, Duration limit) {
        long deadline = killedAt + limit.toNanos();
        long newPid = -1;
        double newProcessSeconds = -1;
        try {
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = platform.pid(instance);
                if (pid.isPresent() && pid.get() != killedPid) {
                    if (newPid != pid.get()) {
                        newPid = pid.get();
                        newProcessSeconds = seconds(killedAt);
                    }
                    if (platform.ready(instance)) {
                        return new Recovery(newPid, newProcessSeconds, seconds(killedAt), cpuSeconds(newPid));
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Recovery(newPid, newProcessSeconds, null, null);
    }

    /**
     * The CPU seconds (user + system) process {@code pid} has used, from {@code /proc/<pid>/stat} (in
     * clock ticks of 1/100 s): what a start costs whatever the machine's load; null where unreadable.
     */
    static Double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the name: state is field 3, utime 14 and stime 15
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private DrillResult verdict(
            Settings settings, Map<String, Object> figures, List<Kill> kills, Simulator.Finished finished)
            throws Exception {
        JsonNode result = finished.result();
        JsonNode delivery = result.path("delivery");
        long accepted = result.path("acceptedIncludingWarmup").asLong();
        long lost = result.path("lost").asLong(-1);
        long once = delivery.path("deliveredExactlyOnce").asLong();
        long duplicated = delivery.path("duplicated").asLong();
        long withCause = delivery.path("duplicatedWithCause").asLong();
        long otherKeys = delivery.path("duplicatedWithDifferentCollapseKeys").asLong();
        long pending = delivery.path("pending").asLong(-1);
        double maxSeconds = delivery.path("acceptToEmulatorMillis").path("max").asDouble() / 1000.0;
        Map<String, Long> causes = new TreeMap<>();
        for (JsonNode duplicate : delivery.path("duplicates")) {
            causes.merge(duplicate.path("cause").asString(), 1L, Long::sum);
        }
        List<Double> readyAgain = kills.stream().map(Kill::readyAgain).toList();
        long midBatch = kills.stream().filter(Kill::midBatch).count();

        List<String> failures = new ArrayList<>();
        if (accepted == 0) {
            failures.add("no callback was accepted");
        }
        if (kills.size() < settings.kills) {
            failures.add("only " + kills.size() + " of " + settings.kills
                    + " kills: the measured window ended before the platform could take the others (another"
                    + " instance ready beside the victim)");
        }
        if (midBatch < Math.min(settings.midBatch, kills.size())) {
            failures.add("no kill landed mid-batch of the inbox's insert (" + midBatch + " of the " + settings.midBatch
                    + " asked for)");
        }
        if (lost != 0) {
            failures.add(lost + " accepted callbacks have no row (lost)");
        }
        if (pending != 0) {
            failures.add(Simulator.notPushed(delivery, pending + " accepted callbacks were not pushed"));
        }
        if (duplicated - withCause != 0) {
            failures.add((duplicated - withCause) + " pushed twice without a cause");
        }
        if (otherKeys != 0) {
            failures.add(otherKeys + " pushed twice with different collapse keys");
        }
        if (maxSeconds > settings.deliveryWindow.toSeconds()) {
            failures.add("a push came " + maxSeconds + " s after its 202, beyond the delivery window");
        }
        if (readyAgain.contains(null)) {
            failures.add("an instance was not ready again within " + settings.recoveryLimit.toSeconds() + " s");
        }
        if (finished.exitStatus() != 0 && failures.isEmpty()) {
            failures.add("the simulator failed (exit status " + finished.exitStatus() + "): "
                    + String.join(
                            " | ",
                            finished.output()
                                    .subList(
                                            Math.max(0, finished.output().size() - 5),
                                            finished.output().size())));
        }

        figures.put("accepted", accepted);
        figures.put("delivered", once + duplicated);
        figures.put("deliveredExactlyOnce", once);
        figures.put("lost", lost);
        figures.put("notPushed", pending);
        figures.put("duplicated", duplicated);
        figures.put("duplicatedWithCause", withCause);
        figures.put("duplicatesByCause", causes);
        figures.put("duplicatedWithDifferentCollapseKeys", otherKeys);
        figures.put("acceptToPushMaxSeconds", maxSeconds);
        figures.put("kills", kills.stream().map(Kill::asMap).toList());
        figures.put("killsMidBatch", midBatch);
        figures.put(
                "readyAgainSecondsMax",
                readyAgain.stream()
                        .filter(Objects::nonNull)
                        .max(Double::compare)
                        .orElse(null));
        figures.put("answers", result.path("outcomes"));
        figures.put("simulator", result);
        figures.put("failures", failures);

        String summary = String.format(
                Locale.ROOT,
                "%d kills (%d mid-batch of the inbox insert, %s), accepted %,d, delivered %,d, lost %d, not pushed %d,"
                        + " pushed twice %d (%d with a cause, %d with different collapse keys); instances ready again"
                        + " after %s s; 202 → push max %.1f s (delivery window %d s); load average %s%s",
                kills.size(),
                midBatch,
                kills.stream()
                        .filter(Kill::midBatch)
                        .map(kill -> kill.batchRowsStored() + " rows of its batch stored")
                        .reduce((a, b) -> a + ", " + b)
                        .orElse("none"),
                accepted,
                once + duplicated,
                lost,
                pending,
                duplicated,
                withCause,
                otherKeys,
                readyAgain,
                maxSeconds,
                settings.deliveryWindow.toSeconds(),
                figures.get("loadAverageAtStart"),
                failures.isEmpty() ? "" : " — " + String.join("; ", failures));
        return new DrillResult(name(), failures.isEmpty(), summary, figures);
    }
}
