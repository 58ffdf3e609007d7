package io.pushgate.delivery.stats;

import io.pushgate.database.AdvisoryLock;
import io.pushgate.database.ServerConnections;
import io.pushgate.delivery.registration.ActiveRegistrations;
import io.pushgate.delivery.registration.ActiveRegistrations.ActiveCount;
import io.pushgate.delivery.registration.ActiveRegistrations.Configuration;
import io.pushgate.delivery.registration.ActiveRegistrations.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code pushgate.stats.flush-interval}, writes the rollup's counts gathered in memory and adds
 * this instance's changes of the active registrations to their counts ({@link ActiveRegistrations});
 * every {@code registrations-interval} from readiness on, subtracts the registrations that expired
 * meanwhile and puts each configuration's count of active registrations into the current minute when
 * it changed (or was last written {@code registrations-refresh} ago); every {@code
 * registrations-recount}, counts the table again and corrects the counts — each of the two one
 * instance at a time across the database, the one holding its advisory lock; the flush once more when
 * the service stops, after the web server and the dispatcher stopped.
 */
@Component
class RollupFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RollupFlusher.class);
    private static final Duration LAST_FLUSH = Duration.ofSeconds(5);

    /** The advisory lock of the count, one key across the database: one instance counts at a time. */
    static final String LOCK_NAME = "pushgate.delivery.stats.registrations-active";

    /** The advisory lock of the recount: one instance recounts at a time (beside the count). */
    static final String RECOUNT_LOCK_NAME = "pushgate.delivery.stats.registrations-recount";

    private static final String LEFT_TO_ANOTHER =
            "Active registrations not counted here: another instance is counting them (it holds the lock)";

    private static final String RECOUNT_LEFT_TO_ANOTHER =
            "Active registrations not recounted here: another instance is recounting them (it holds the lock)";

    /** Each slice of a recount is followed by this many times its own length without one. */
    private static final int COUNT_PACE = 20;

    private final Rollups rollups;
    private final ActiveRegistrations active;
    private final StatsSettings settings;
    private final AdvisoryLock lock;
    private final AdvisoryLock recountLock;
    private final Function<Duration, Mono<?>> pause;
    /** The active count last written per configuration, and when (only the counting touches it). */
    private final Map<Configuration, Written> written = new HashMap<>();

    /** The flushes and the recounts, from start to stop. */
    private volatile Disposable schedule;

    /** The registrations' samples, from readiness ({@link #ready()}) to stop. */
    private Disposable counts; // guarded by this

    @Autowired
    RollupFlusher(Rollups rollups, ActiveRegistrations active, StatsSettings settings, ServerConnections server) {
        this(rollups, active, settings, server, Mono::delay);
    }

    /** With its own {@code pause} between two slices of a recount, for a test of the pace. */
    RollupFlusher(
            Rollups rollups,
            ActiveRegistrations active,
            StatsSettings settings,
            ServerConnections server,
            Function<Duration, Mono<?>> pause) {
        this.rollups = rollups;
        this.active = active;
        this.settings = settings;
        this.lock = server.lock(LOCK_NAME);
        this.recountLock = server.lock(RECOUNT_LOCK_NAME);
        this.pause = pause;
    }

    @Override
    public void start() {
        // apart, so that a recount of many slices never holds a flush or a count back
        Disposable flushes = Flux.interval(settings.flushInterval(), settings.flushInterval())
                .onBackpressureDrop()
                .concatMap(tick -> flush(), 1)
                .subscribe();
        Disposable recounts = Flux.interval(settings.registrationsInterval(), settings.registrationsInterval())
                .onBackpressureDrop()
                .concatMap(tick -> recountIfDue(), 1)
                .subscribe();
        schedule = Disposables.composite(flushes, recounts);
    }

    /**
     * Starts the registrations' samples, the first at once, when the service is ready: after the warm-up
     * ({@code io.pushgate.delivery.warmup}), not beside it. A sample reads every configuration's count and
     * the count last written for each, and its rows are decoded on an event loop that connections of the
     * pool share; before the code is compiled, on a store of 10,000 configurations, that held the
     * warm-up's synthetic callbacks on those connections past the inbox's time-out, and the warm-up failed
     * (docs/PERFORMANCE.md, "The warm-up on the big store").
     */
    @EventListener(ApplicationReadyEvent.class)
    synchronized void ready() {
        if (isRunning() && counts == null) {
            counts = Flux.interval(Duration.ZERO, settings.registrationsInterval())
                    .onBackpressureDrop()
                    .concatMap(tick -> sampleRegistrations(), 1)
                    .subscribe();
        }
    }

    /**
     * The rollup's write and the registrations' changes; a failure is logged, and the counts and changes
     * wait in memory for the next interval.
     */
    Mono<Void> flush() {
        return rollups.flush()
                .onErrorResume(error -> {
                    log.warn(
                            "Dashboard counts not written, kept for the next flush in {}: {}",
                            settings.flushInterval(),
                            error.toString());
                    return Mono.empty();
                })
                .then(addChanges());
    }

    private Mono<Void> addChanges() {
        return active.flush().onErrorResume(error -> {
            log.warn(
                    "Changes of the active registrations not added to their counts, kept for the next flush in {}: {}",
                    settings.flushInterval(),
                    error.toString());
            return Mono.empty();
        });
    }

    /**
     * Puts every configuration's count of active registrations into memory (the next flush writes them),
     * after this instance's changes were added and the registrations that expired since the last sample
     * (by anyone) subtracted: reads the counts, a row per configuration, and a minute's expiries by their
     * index, never the registration table itself. The lock must be had within an interval (connecting,
     * and its answer): a server that takes the connection and never answers would otherwise hold every
     * later count back.
     */
    Mono<Void> sampleRegistrations() {
        return lock.whileHeld(
                        session -> addChanges()
                                .then(active.expire())
                                .then(seed())
                                .then(active.counts()
                                        .collectMap(
                                                count -> new Configuration(count.tenantId(), count.configurationId()),
                                                ActiveCount::active))
                                .doOnNext(this::publish)
                                .then(),
                        Mono.fromRunnable(() -> log.debug(LEFT_TO_ANOTHER)),
                        settings.registrationsInterval())
                .onErrorResume(error -> {
                    log.warn("Active registrations not counted: {}", error.toString());
                    return Mono.empty();
                });
    }

    /** {@link #recount()} when the last recount, by any instance, is {@code registrations-recount} old. */
    Mono<Void> recountIfDue() {
        return recount(true);
    }

    /**
     * Counts the registration table again and corrects each count by what it was found off: one pass
     * over the table, {@code pushgate.stats.registrations-slice} blocks at a time, each slice its own
     * short statement followed by {@link #COUNT_PACE} times its own length without one. So no statement
     * reads more than a slice, and recounting takes at most a twentieth of one core however many
     * registrations there are. The pass counts the registrations as the counts held them at its start
     * (expiring after that moment's {@code expired_through}), and corrects each count by the difference to
     * that moment's: what was added or subtracted since stays. A registration written while the pass
     * runs may be seen by a slice and also added as a change — off by at most the registrations written
     * while it ran, until the next recount.
     */
    Mono<Void> recount() {
        return recount(false);
    }

    private Mono<Void> recount(boolean onlyWhenDue) {
        return recountLock
                .whileHeld(
                        session -> (onlyWhenDue ? active.recountDue(settings.registrationsRecount()) : Mono.just(true))
                                .filter(Boolean::booleanValue)
                                .flatMap(due -> addChanges().then(active.snapshot()))
                                .flatMap(this::recountFrom),
                        Mono.fromRunnable(() -> log.debug(RECOUNT_LEFT_TO_ANOTHER)),
                        settings.registrationsInterval())
                .onErrorResume(error -> {
                    log.warn("Active registrations not recounted, their counts left as they are: {}", error.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> recountFrom(Snapshot snapshot) {
        Pass pass = new Pass(snapshot.expiredThrough());
        return slice(pass, 0)
                .expand(next ->
                        pause.apply(pass.lastSlice.multipliedBy(COUNT_PACE)).then(slice(pass, next)))
                .then(Mono.defer(() -> active.correct(snapshot, pass.active)))
                .doOnNext(corrected -> log.info(
                        "Active registrations recounted in {} s ({} slices of {} blocks, {} ms reading, each"
                                + " slice followed by {} times its length without one so that recounting takes"
                                + " at most 1/{} of a core): {} counts corrected, {} configurations with active"
                                + " registrations",
                        seconds(Duration.ofNanos(System.nanoTime() - pass.began)),
                        pass.slices,
                        settings.registrationsSlice(),
                        pass.reading.toMillis(),
                        COUNT_PACE,
                        COUNT_PACE,
                        corrected,
                        pass.active.size()))
                .then();
    }

    /**
     * Before each sample: the counts above 0 as last written, whoever wrote them (this process, an
     * earlier one, another instance that counted last), so that a configuration with none active now
     * gets its 0 rather than an older count carried forward for ever, and one whose count is unchanged
     * is not written again before {@code registrations-refresh}. (Counts this process gathered but could
     * not write yet are written again when unchanged: the last one wins.)
     */
    private Mono<Void> seed() {
        return Mono.fromRunnable(written::clear)
                .thenMany(rollups.lastActiveAboveZero())
                .doOnNext(last -> written.put(
                        new Configuration(last.tenantId(), last.configurationId()),
                        new Written(last.active(), last.minute().toEpochMilli())))
                .then();
    }

    /**
     * Recounts the slice beginning at block {@code from} into the pass: where the next begins; empty at
     * the table's end. The table's size is read at the pass's start and again when the pass reaches it
     * (the table may have grown meanwhile), not before every slice: one round trip of a slice's five.
     */
    private Mono<Long> slice(Pass pass, long from) {
        return Mono.defer(() -> {
            long began = System.nanoTime();
            long to = from + settings.registrationsSlice();
            Mono<Long> size = from < pass.blocks
                    ? Mono.just(pass.blocks)
                    : active.blocks().doOnNext(blocks -> pass.blocks = blocks);
            return size.filter(end -> from < end)
                    .flatMap(end -> active.activeCounts(from, to, pass.expiredThrough)
                            .doOnNext(pass::add)
                            .then(Mono.fromSupplier(() -> {
                                pass.sliced(Duration.ofNanos(System.nanoTime() - began));
                                return to;
                            })));
        });
    }

    /** The counts into memory: each that changed, and one 0 for each configuration with none left. */
    private void publish(Map<Configuration, Long> counts) {
        long now = System.currentTimeMillis();
        counts.forEach((configuration, count) -> record(configuration, count, now));
        for (Configuration gone : Set.copyOf(written.keySet())) {
            if (!counts.containsKey(gone)) {
                // none active any more: one 0, then nothing until one registers again
                rollups.registrationsActive(gone.tenantId(), gone.configurationId(), 0);
                written.remove(gone);
            }
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    private void record(Configuration configuration, long count, long now) {
        Written last = written.get(configuration);
        if (last == null
                || last.active() != count
                || now - last.at() >= settings.registrationsRefresh().toMillis()) {
            rollups.registrationsActive(configuration.tenantId(), configuration.configurationId(), count);
            written.put(configuration, new Written(count, now));
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (counts != null) {
                counts.dispose();
                counts = null;
            }
        }
        Disposable current = schedule;
        if (current != null) {
            current.dispose();
            try {
                flush().block(LAST_FLUSH);
            } catch (RuntimeException e) {
                log.warn("Last flush of the dashboard counts not finished within {}: {}", LAST_FLUSH, e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null && !schedule.isDisposed();
    }

    /** Stops after the web server and the dispatcher (phases below theirs), so that their last counts are written. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** One recount over the table: the registrations counted per configuration in the slices read so far. */
    private static final class Pass {

        final long began = System.nanoTime();
        final Instant expiredThrough;
        final Map<Configuration, Long> active = new HashMap<>();
        /** The table's size in blocks when last read. */
        long blocks;

        int slices;
        Duration reading = Duration.ZERO;
        Duration lastSlice = Duration.ZERO;

        Pass(Instant expiredThrough) {
            this.expiredThrough = expiredThrough;
        }

        void add(ActiveCount count) {
            active.merge(new Configuration(count.tenantId(), count.configurationId()), count.active(), Long::sum);
        }

        void sliced(Duration took) {
            slices++;
            reading = reading.plus(took);
            lastSlice = took;
        }
    }

    private record Written(long active, long at) {}
}
