package io.pushgate.delivery.callbacklog;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code pushgate.callback-log.flush-interval}, writes the refused-callback samples and the
 * secret-usage counts gathered in memory; once more when the service stops, after the web server
 * stopped taking callbacks.
 */
@Component
class CallbackLogFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallbackLogFlusher.class);
    private static final Duration LAST_FLUSH = Duration.ofSeconds(5);

    private final RefusedCallbacks refused;
    private final SecretUsage usage;
    private final RefusalLines lines;
    private final CallbackLogSettings settings;
    private volatile Disposable schedule;

    CallbackLogFlusher(RefusedCallbacks refused, SecretUsage usage, RefusalLines lines, CallbackLogSettings settings) {
        this.refused = refused;
        this.usage = usage;
        this.lines = lines;
        this.settings = settings;
    }

    @Override
    public void start() {
        schedule = Flux.interval(settings.flushInterval(), settings.flushInterval())
                .onBackpressureDrop()
                .concatMap(tick -> flush(), 1)
                .subscribe();
    }

    /** The counts of refusals not logged one by one, then both writes; a failure is logged and the next interval tries again. */
    Mono<Void> flush() {
        return Mono.fromRunnable(() -> lines.flush(Instant.now()))
                .then(refused.flush())
                .onErrorResume(error -> {
                    log.warn("Refused-callback samples not written: {}", error.toString());
                    return Mono.empty();
                })
                .then(usage.flush().onErrorResume(error -> {
                    log.warn(
                            "Secret-usage counts not written, kept for the next flush in {}: {}",
                            settings.flushInterval(),
                            error.toString());
                    return Mono.empty();
                }));
    }

    @Override
    public void stop() {
        Disposable current = schedule;
        if (current != null) {
            current.dispose();
            try {
                flush().block(LAST_FLUSH);
            } catch (RuntimeException e) {
                log.warn("Last flush of the callback log not finished within {}: {}", LAST_FLUSH, e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null && !schedule.isDisposed();
    }

    /** Stops after the web server (phases below its graceful shutdown and its stop). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
