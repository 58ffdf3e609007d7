package io.pushgate.delivery.dispatch;

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
 */
@Component
class LeaseSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final Dispatcher dispatcher;
    private final DispatchSettings settings;
    private volatile Disposable schedule;

    LeaseSweeper(Dispatcher dispatcher, DispatchSettings settings) {
        this.dispatcher = dispatcher;
        this.settings = settings;
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
