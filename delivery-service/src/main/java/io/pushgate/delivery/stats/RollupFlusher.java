package io.pushgate.delivery.stats;

import io.pushgate.delivery.registration.Registrations;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code pushgate.stats.flush-interval}, writes the rollup's counts gathered in memory; every
 * {@code registrations-interval}, counts the active registrations of each configuration into the
 * current minute when they changed (or were last written {@code registrations-refresh} ago); once more
 * when the service stops, after the web server and the dispatcher stopped.
 */
@Component
class RollupFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RollupFlusher.class);
    private static final Duration LAST_FLUSH = Duration.ofSeconds(5);

    /** A count of the active registrations is followed by at least this many times its own length without one. */
    private static final int COUNT_PACE = 20;

    private final Rollups rollups;
    private final Registrations registrations;
    private final StatsSettings settings;
    /** The active count last written per configuration, and when (only the sampling touches it). */
    private final Map<Configuration, Written> written = new HashMap<>();
    /** {@link System#nanoTime()} before which no count begins (only the sampling touches it). */
    private volatile long nextCountAfter = System.nanoTime();
    /** Whether the last count was so slow that the next comes later than the interval. */
    private volatile boolean stretched;

    private volatile Disposable schedule;

    RollupFlusher(Rollups rollups, Registrations registrations, StatsSettings settings) {
        this.rollups = rollups;
        this.registrations = registrations;
        this.settings = settings;
    }

    @Override
    public void start() {
        Flux<Mono<Void>> flushes = Flux.interval(settings.flushInterval(), settings.flushInterval())
                .map(tick -> Mono.defer(this::flush));
        Flux<Mono<Void>> samples = Flux.interval(Duration.ZERO, settings.registrationsInterval())
                .map(tick -> Mono.defer(this::sampleRegistrationsWhenDue));
        schedule = Flux.merge(flushes, samples)
                .onBackpressureDrop()
                .concatMap(step -> step, 1)
                .subscribe();
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
     * The scheduled count: {@link #sampleRegistrations()} — unless the last count was so slow that this
     * one would come too soon. The count reads every registration, and after one that took {@code t}
     * the next waits at least {@link #COUNT_PACE} times {@code t}, so that counting never takes more than
     * a twentieth of one core, however many registrations there are.
     */
    Mono<Void> sampleRegistrationsWhenDue() {
        return System.nanoTime() - nextCountAfter < 0 ? Mono.empty() : sampleRegistrations();
    }

    /** Counts the active registrations now, into memory (the next flush writes them). */
    Mono<Void> sampleRegistrations() {
        long began = System.nanoTime();
        long now = System.currentTimeMillis();
        Set<Configuration> seen = new HashSet<>();
        return registrations
                .activeCounts()
                .doOnNext(count -> {
                    Configuration configuration = new Configuration(count.tenantId(), count.configurationId());
                    seen.add(configuration);
                    record(configuration, count.active(), now);
                })
                .then(Mono.fromRunnable(() -> {
                    for (Configuration gone : Set.copyOf(written.keySet())) {
                        if (!seen.contains(gone)) {
                            // none active any more: one 0, then nothing until one registers again
                            rollups.registrationsActive(gone.tenantId(), gone.configurationId(), 0);
                            written.remove(gone);
                        }
                    }
                }))
                .onErrorResume(error -> {
                    log.warn("Active registrations not counted: {}", error.toString());
                    return Mono.empty();
                })
                .doOnTerminate(() -> pace(began, System.nanoTime())) // before the caller hears of the end
                .then();
    }

    /** After a count from {@code began} to {@code ended}: when the next may begin. */
    private void pace(long began, long ended) {
        Duration took = Duration.ofNanos(ended - began);
        Duration wait = took.multipliedBy(COUNT_PACE);
        nextCountAfter = began + wait.toNanos();
        boolean stretching = wait.compareTo(settings.registrationsInterval()) > 0;
        // at INFO when the counts begin, or stop, to come less often than the interval; at DEBUG between
        if (stretching && !stretched) {
            log.info(
                    "Active registrations counted in {} ms: the next count in {} s at the earliest, not {} s"
                            + " (pushgate.stats.registrations-interval), so that counting takes at most 1/{} of"
                            + " a core; the counts come that much less often while they take this long",
                    took.toMillis(),
                    wait.toSeconds(),
                    settings.registrationsInterval().toSeconds(),
                    COUNT_PACE);
        } else if (stretched && !stretching) {
            log.info(
                    "Active registrations counted in {} ms: counted every {} s again",
                    took.toMillis(),
                    settings.registrationsInterval().toSeconds());
        } else if (stretching) {
            log.debug(
                    "Active registrations counted in {} ms: the next count in {} s", took.toMillis(), wait.toSeconds());
        }
        stretched = stretching;
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

    private record Written(long active, long at) {}
}
