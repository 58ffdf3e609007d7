package io.pushgate.delivery.registration;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every {@code pushgate.registration.cleanup-interval}, deletes the registrations that expired or
 * were invalidated longer than {@code pushgate.registration.retention} ago. Several instances may
 * run it at once: the deletes are idempotent.
 */
@Component
class RegistrationCleanup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistrationCleanup.class);

    private final Registrations registrations;
    private final RegistrationSettings settings;
    private volatile Disposable schedule;

    RegistrationCleanup(Registrations registrations, RegistrationSettings settings) {
        this.registrations = registrations;
        this.settings = settings;
    }

    @Override
    public void start() {
        schedule = Flux.interval(
                        Duration.ofMinutes(1).compareTo(settings.cleanupInterval()) < 0
                                ? Duration.ofMinutes(1)
                                : settings.cleanupInterval(),
                        settings.cleanupInterval())
                .onBackpressureDrop()
                .concatMap(tick -> registrations
                        .deleteStale(settings.retention())
                        .doOnNext(deleted -> {
                            if (deleted > 0) {
                                log.info("Deleted {} expired or invalidated registrations", deleted);
                            }
                        })
                        .onErrorResume(error -> {
                            log.warn(
                                    "Registration clean-up failed ({}); again in {}",
                                    error,
                                    settings.cleanupInterval());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    /** One clean-up now; how many registrations it deleted. */
    Mono<Long> runOnce() {
        return registrations.deleteStale(settings.retention());
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
}
