package io.pushgate.delivery.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Asks the database every {@code interval} whether it answers, through the pool, and shows the
 * answer as the gauge {@code pushgate_database_up} (1 or 0) — what alerts watch, since readiness
 * deliberately does not (README, "Readiness"). A change of state is logged once. It also tells
 * dispatch since when the database has answered again after an outage ({@link DatabaseStatus}).
 */
@Component
class DatabaseCheck implements SmartLifecycle, DatabaseStatus {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCheck.class);

    private final ConnectionFactory connections;
    private final DatabaseCheckSettings settings;
    /** 1 up, 0 down, -1 not checked yet (shown as 0). */
    private final AtomicInteger up = new AtomicInteger(-1);
    /**
     * {@link System#nanoTime()} of the first answered check after the last unanswered one; {@link
     * Long#MIN_VALUE} until a check goes unanswered (steady from the start).
     */
    private volatile long answeringSince = Long.MIN_VALUE;

    private volatile Disposable schedule;

    DatabaseCheck(ConnectionFactory connections, DatabaseCheckSettings settings, MeterRegistry meters) {
        this.connections = connections;
        this.settings = settings;
        Gauge.builder("pushgate.database.up", up, state -> state.get() == 1 ? 1 : 0)
                .description("Whether this instance's last check of its database was answered in time (1) or not (0)")
                .register(meters);
    }

    @Override
    public void start() {
        schedule = Flux.interval(Duration.ZERO, settings.interval())
                .onBackpressureDrop()
                .concatMap(tick -> check(), 1)
                .subscribe(this::record);
    }

    private Mono<Boolean> check() {
        return Mono.usingWhen(
                        Mono.<Connection>from(connections.create()),
                        connection -> Mono.from(connection.validate(ValidationDepth.REMOTE)),
                        Connection::close)
                .timeout(settings.timeout())
                .onErrorReturn(false)
                .defaultIfEmpty(false);
    }

    private void record(boolean answered) {
        if (answered && up.get() == 0) {
            // before the state changes, so that steadyFor never sees "up" with the time before the outage
            answeringSince = System.nanoTime();
        }
        int previous = up.getAndSet(answered ? 1 : 0);
        if (previous == 1 && !answered) {
            log.warn(
                    "The database does not answer (checked every {}): callbacks get 503 + Retry-After until it does;"
                            + " this instance stays ready",
                    settings.interval());
        } else if (previous == 0 && answered) {
            log.info("The database answers again");
        }
    }

    @Override
    public boolean steadyFor(Duration period) {
        if (up.get() == 0) {
            return false;
        }
        long since = answeringSince;
        return since == Long.MIN_VALUE || System.nanoTime() - since >= period.toNanos();
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
        Disposable current = schedule;
        return current != null && !current.isDisposed();
    }
}
