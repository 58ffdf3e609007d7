package io.pushgate.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One delivery-service instance ended in the middle of a run: {@code kill -9} ({@code --kill}) or
 * SIGTERM, a graceful stop ({@code --stop}). The instance is named by its pid file (what
 * {@code ./pushgate up --delivery-instances N} writes in {@code PUSHGATE_HOME/run/}).
 *
 * <p>After a {@code kill -9} the notifications the instance had sent without recording the outcome
 * are sent again once their lease ends: FCM takes no idempotency key, so this is the one place where a
 * push may arrive twice (with the same collapse key, so the device shows one). Which notifications
 * could be such a case is known from the database right after the process is gone: every notification
 * not finished then. A duplicate outside that set is a fault.
 */
final class Disruption {

    /** What to do, and when: {@code at} counts from the start of the measured window. */
    record Plan(boolean kill, Path pidFile, Duration at) {}

    /** What happened. */
    record Outcome(boolean kill, long pid, long atMillis, Integer exitStatus, Set<String> inDoubt) {

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("kind", kill ? "kill -9" : "graceful stop (SIGTERM)");
            map.put("pid", pid);
            map.put("atMillis", atMillis);
            map.put("exitStatus", exitStatus);
            map.put("unfinishedWhenKilled", kill ? inDoubt.size() : null);
            return map;
        }
    }

    private final Plan plan;
    private final Optional<BenchOptions.Database> database;
    private volatile Outcome outcome;
    private volatile Exception failure;
    private Thread thread;

    Disruption(Plan plan, Optional<BenchOptions.Database> database) {
        this.plan = plan;
        this.database = database;
    }

    /** Starts the clock: the disruption comes {@code warmup + at} from now. */
    void schedule(Duration warmup) {
        long due = System.nanoTime() + warmup.plus(plan.at()).toNanos();
        long measuredFrom = System.nanoTime() + warmup.toNanos();
        thread = new Thread(
                () -> {
                    try {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        outcome = disrupt(measuredFrom);
                    } catch (Exception e) {
                        failure = e;
                    }
                },
                "pushgate-bench-disruption");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for it to be over; throws what went wrong. */
    Outcome await() throws InterruptedException {
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (failure != null) {
            throw new IllegalStateException("the disruption failed: " + failure.getMessage(), failure);
        }
        if (outcome == null) {
            throw new IllegalStateException("the disruption did not happen (was the run shorter than --at?)");
        }
        return outcome;
    }

    private Outcome disrupt(long measuredFrom) throws IOException, SQLException, InterruptedException {
        long pid = Long.parseLong(
                Files.readString(plan.pidFile(), StandardCharsets.US_ASCII).strip());
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("no process " + pid + " (from " + plan.pidFile() + ")"));
        long atMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - measuredFrom);
        if (plan.kill()) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        boolean ended = waitFor(process, plan.kill() ? Duration.ofSeconds(10) : Duration.ofSeconds(90));
        if (!ended) {
            throw new IllegalStateException("process " + pid + " did not end");
        }
        Set<String> inDoubt = plan.kill() ? unfinished() : Set.of();
        // a process that is not our child has no exit status we can read
        return new Outcome(plan.kill(), pid, atMillis, null, inDoubt);
    }

    private static boolean waitFor(ProcessHandle process, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return !process.isAlive();
    }

    /** The eventIds of every notification not finished right now. */
    private Set<String> unfinished() throws SQLException {
        BenchOptions.Database db = database.orElseThrow();
        Set<String> eventIds = new HashSet<>();
        try (var connection = DriverManager.getConnection(db.url(), db.user(), db.password());
                var query = connection.prepareStatement(
                        "SELECT event_id FROM delivery.notification WHERE status IN ('accepted', 'retrying')");
                var rows = query.executeQuery()) {
            while (rows.next()) {
                eventIds.add(rows.getString(1));
            }
        }
        return eventIds;
    }
}
