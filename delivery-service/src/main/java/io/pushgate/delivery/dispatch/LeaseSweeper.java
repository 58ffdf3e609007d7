package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.health.DatabaseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code sweep-interval}, claims the notifications whose lease ran out ({@code FOR UPDATE SKIP
 * LOCKED}, so instances never claim the same row) and hands them to the {@link Dispatcher}: what a
 * crashed instance left, and retries that are due. A full batch is followed at once by the next.
 *
 * <p>While the database is away, and for {@code outage-hold} after it answers again, nothing is
 * claimed: every instance first writes the endings it kept through the outage (the {@link Dispatcher}
 * keeps them that long), so a row whose lease ran out during the outage, though its push was sent, is
 * not sent again.
 */
@Component
class LeaseSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final Dispatcher dispatcher;
    private final DispatchSettings settings;
    private final DatabaseStatus database;
    private volatile Disposable schedule;
    private volatile boolean holding;

    LeaseSweeper(Dispatcher dispatcher, DispatchSettings settings, DatabaseStatus database) {
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.database = database;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        schedule = Flux.interval(settings.sweepInterval(), settings.sweepInterval())
                .onBackpressureDrop()
                .concatMap(
                        tick -> sweepAll().then(dispatcher.measureBacklog()).onErrorResume(error -> {
                            log.warn("Sweep failed, again in {}: {}", settings.sweepInterval(), error.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
    }

    private Mono<Integer> sweepAll() {
        if (!database.steadyFor(settings.outageHold())) {
            if (!holding) {
                holding = true;
                log.info(
                        "The database is away or has just come back: no overdue notification is claimed until it"
                                + " has answered for {}, so that the endings kept through the outage are written first",
                        settings.outageHold());
            }
            return Mono.just(0);
        }
        holding = false;
        return dispatcher
                .sweep()
                .expand(claimed -> claimed >= settings.sweepBatchSize() ? dispatcher.sweep() : Mono.empty())
                .reduce(0, Integer::sum);
    }

    @Override
    public void stop() {
        Disposable current = schedule;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null && !schedule.isDisposed();
    }

    /** Stops before the dispatcher, so that it claims nothing while that drains. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
