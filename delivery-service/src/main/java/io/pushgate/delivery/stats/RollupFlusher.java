package io.pushgate.delivery.stats;

import io.pushgate.database.AdvisoryLock;
import io.pushgate.database.ServerConnections;
import io.pushgate.delivery.registration.Registrations;
import io.pushgate.delivery.registration.Registrations.ActiveCount;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code pushgate.stats.flush-interval}, writes the rollup's counts gathered in memory; every
 * {@code registrations-interval} (or, when a count takes longer, as soon as the last one ended),
 * counts the active registrations of each configuration into the current minute when they changed (or
 * were last written {@code registrations-refresh} ago) — one instance at a time across the database, the
 * one holding the count's advisory lock; once more when the service stops (the flush), after the web
 * server and the dispatcher stopped.
 */
@Component
class RollupFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RollupFlusher.class);
    private static final Duration LAST_FLUSH = Duration.ofSeconds(5);

    /** The advisory lock of the count, one key across the database: one instance counts at a time. */
    static final String LOCK_NAME = "pushgate.delivery.stats.registrations-active";

    private static final String LEFT_TO_ANOTHER =
            "Active registrations not counted here: another instance is counting them (it holds the lock)";

    /** Each slice of a count of the active registrations is followed by this many times its own length without one. */
    private static final int COUNT_PACE = 20;

    private final Rollups rollups;
    private final Registrations registrations;
    private final StatsSettings settings;
    private final AdvisoryLock lock;
    private final Function<Duration, Mono<?>> pause;
    /** The active count last written per configuration, and when (only the counting touches it). */
    private final Map<Configuration, Written> written = new HashMap<>();
    /** Whether the last count took longer than the interval (only the counting touches it). */
    private boolean stretched;

    private volatile Disposable schedule;

    @Autowired
    RollupFlusher(Rollups rollups, Registrations registrations, StatsSettings settings, ServerConnections server) {
        this(rollups, registrations, settings, server, Mono::delay);
    }

    /** With its own {@code pause} between two slices of a count, for a test of the pace. */
    RollupFlusher(
            Rollups rollups,
            Registrations registrations,
            StatsSettings settings,
            ServerConnections server,
            Function<Duration, Mono<?>> pause) {
        this.rollups = rollups;
        this.registrations = registrations;
        this.settings = settings;
        this.lock = server.lock(LOCK_NAME);
        this.pause = pause;
    }

    @Override
    public void start() {
        // apart, so that a count of many slices never holds a flush back
        Disposable flushes = Flux.interval(settings.flushInterval(), settings.flushInterval())
                .onBackpressureDrop()
                .concatMap(tick -> flush(), 1)
                .subscribe();
        Disposable counts = Flux.interval(Duration.ZERO, settings.registrationsInterval())
                .onBackpressureDrop()
                .concatMap(tick -> sampleRegistrations(), 1)
                .subscribe();
        schedule = Disposables.composite(flushes, counts);
    }

    /** The write; a failure is logged, and the counts wait in memory for the next interval. */
    Mono<Void> flush() {
        return rollups.flush().onErrorResume(error -> {
            log.warn(
                    "Dashboard counts not written, kept for the next flush in {}: {}",
                    settings.flushInterval(),
                    error.toString());
            return Mono.empty();
        });
    }

    /**
     * Counts the active registrations of every configuration, into memory (the next flush writes them):
     * one pass over the table, {@code pushgate.stats.registrations-slice} blocks at a time, each slice
     * its own short statement followed by {@link #COUNT_PACE} times its own length without one. So no
     * statement reads more than a slice, and counting takes at most a twentieth of one core however many
     * registrations there are: a big table is counted less often instead (said at INFO when the counts
     * begin, and stop, to take longer than the interval). Each slice sees the table as it is when it
     * runs: a registration that changes during the pass may be counted as it was, as it is, in both
     * states or in neither (its new version stored in a slice already read, or its old one in a slice
     * not read yet) — the count is off by at most the registrations written while it ran. The lock must
     * be had within an interval (connecting, and its answer): a server that takes the connection and
     * never answers would otherwise hold every later count back.
     */
    Mono<Void> sampleRegistrations() {
        return lock.whileHeld(
                        session -> count(),
                        Mono.fromRunnable(() -> log.debug(LEFT_TO_ANOTHER)),
                        settings.registrationsInterval())
                .onErrorResume(error -> {
                    log.warn("Active registrations not counted: {}", error.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> count() {
        Pass pass = new Pass();
        return seed().then(slice(pass, 0))
                .expand(next ->
                        pause.apply(pass.lastSlice.multipliedBy(COUNT_PACE)).then(slice(pass, next)))
                .then(Mono.fromRunnable(() -> publish(pass)));
    }

    /**
     * Before each count: the counts above 0 as last written, whoever wrote them (this process, an
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
     * Counts the slice beginning at block {@code from} into the pass: where the next begins; empty at
     * the table's end. The table's size is read at the pass's start and again when the pass reaches it
     * (the table may have grown meanwhile), not before every slice: one round trip of a slice's five.
     */
    private Mono<Long> slice(Pass pass, long from) {
        return Mono.defer(() -> {
            long began = System.nanoTime();
            long to = from + settings.registrationsSlice();
            Mono<Long> size = from < pass.blocks
                    ? Mono.just(pass.blocks)
                    : registrations.blocks().doOnNext(blocks -> pass.blocks = blocks);
            return size.filter(end -> from < end)
                    .flatMap(end -> registrations
                            .activeCounts(from, to)
                            .doOnNext(pass::add)
                            .then(Mono.fromSupplier(() -> {
                                pass.sliced(Duration.ofNanos(System.nanoTime() - began));
                                return to;
                            })));
        });
    }

    /** The pass's counts into memory: each that changed, and one 0 for each configuration with none left. */
    private void publish(Pass pass) {
        long now = System.currentTimeMillis();
        pass.active.forEach((configuration, active) -> record(configuration, active, now));
        for (Configuration gone : Set.copyOf(written.keySet())) {
            if (!pass.active.containsKey(gone)) {
                // none active any more: one 0, then nothing until one registers again
                rollups.registrationsActive(gone.tenantId(), gone.configurationId(), 0);
                written.remove(gone);
            }
        }
        say(pass);
    }

    /** At INFO when the counts begin, or stop, to take longer than the interval; at DEBUG otherwise. */
    private void say(Pass pass) {
        Duration took = Duration.ofNanos(System.nanoTime() - pass.began);
        boolean stretching = took.compareTo(settings.registrationsInterval()) > 0;
        if (stretching && !stretched) {
            log.info(
                    "Active registrations counted in {} s ({} slices of {} blocks, {} ms reading): longer than"
                            + " pushgate.stats.registrations-interval ({} s), as each slice is followed by {} times"
                            + " its length without one so that counting takes at most 1/{} of a core; the"
                            + " dashboard's count of registrations is that much older while the table is this big",
                    seconds(took),
                    pass.slices,
                    settings.registrationsSlice(),
                    pass.reading.toMillis(),
                    settings.registrationsInterval().toSeconds(),
                    COUNT_PACE,
                    COUNT_PACE);
        } else if (stretched && !stretching) {
            log.info(
                    "Active registrations counted in {} s: within pushgate.stats.registrations-interval ({} s)"
                            + " again",
                    seconds(took),
                    settings.registrationsInterval().toSeconds());
        } else {
            log.debug(
                    "Active registrations counted in {} ms ({} slices, {} ms reading)",
                    took.toMillis(),
                    pass.slices,
                    pass.reading.toMillis());
        }
        stretched = stretching;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    private void record(Configuration configuration, long active, long now) {
        Written last = written.get(configuration);
        if (last == null
                || last.active() != active
                || now - last.at() >= settings.registrationsRefresh().toMillis()) {
            rollups.registrationsActive(configuration.tenantId(), configuration.configurationId(), active);
            written.put(configuration, new Written(active, now));
        }
    }

    @Override
    public void stop() {
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

    private record Configuration(UUID tenantId, UUID configurationId) {}

    /** One count over the table: the active registrations per configuration in the slices read so far. */
    private static final class Pass {

        final long began = System.nanoTime();
        final Map<Configuration, Long> active = new HashMap<>();
        /** The table's size in blocks when last read. */
        long blocks;

        int slices;
        Duration reading = Duration.ZERO;
        Duration lastSlice = Duration.ZERO;

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
