package io.pushgate.api.secret;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.secret.SecretCipher.KeyIds;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads a {@link SecretCipher}'s keyset file every {@code interval} ({@link SecretCipher#reload}),
 * on a daemon thread of its own, and tells its {@link Listener} what happened: a service takes a
 * rotated keyset without a restart. A keyset given as JSON is never watched.
 */
public final class KeysetWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeysetWatch.class);

    /** What a service does with a reload's outcome (log it, count it). */
    public interface Listener {

        /** The file changed and its new keyset is in use. */
        void reloaded(KeyIds keyIds);

        /** The file changed but cannot be used: {@code reason} names why, never the key. */
        void refused(String reason);
    }

    /**
     * The listener both services use: registers {@code pushgate_keyset_primary_key_id} and {@code
     * pushgate_keyset_keys} (gauges of the keyset in use) and counts reloads as {@code
     * pushgate_keyset_reloads{outcome=reloaded|refused}}; a reload is logged at INFO, a refusal at WARN
     * with the key ids in use (never a key).
     */
    public static Listener observed(SecretCipher cipher, MeterRegistry meters) {
        Gauge.builder("pushgate_keyset_primary_key_id", cipher, c -> c.keyIds().primary())
                .description("the id of the keyset's primary key, the one that seals")
                .register(meters);
        Gauge.builder("pushgate_keyset_keys", cipher, c -> c.keyIds().keyIds().size())
                .description("the keys of the keyset in use, each of which opens")
                .register(meters);
        Counter reloaded = Counter.builder("pushgate_keyset_reloads")
                .tag("outcome", "reloaded")
                .register(meters);
        Counter refused = Counter.builder("pushgate_keyset_reloads")
                .tag("outcome", "refused")
                .register(meters);
        return new Listener() {
            @Override
            public void reloaded(KeyIds keyIds) {
                reloaded.increment();
                log.info("keyset reloaded from {}: {}", cipher.file().orElseThrow(), keyIds);
            }

            @Override
            public void refused(String reason) {
                refused.increment();
                log.warn(
                        "keyset file {} changed but is not used ({}); the keyset in use stays: {}",
                        cipher.file().orElseThrow(),
                        reason,
                        cipher.keyIds());
            }
        };
    }

    private final ScheduledExecutorService executor;
    private volatile String lastRefusal;

    private KeysetWatch(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts watching {@code cipher}'s file, or nothing when it has none or {@code interval} is not positive. */
    public static KeysetWatch start(SecretCipher cipher, Duration interval, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (cipher.file().isEmpty() || interval.isZero() || interval.isNegative()) {
            return new KeysetWatch(null);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pushgate-keyset-watch");
            thread.setDaemon(true);
            return thread;
        });
        KeysetWatch watch = new KeysetWatch(executor);
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> watch.check(cipher, listener), millis, millis, TimeUnit.MILLISECONDS);
        return watch;
    }

    private void check(SecretCipher cipher, Listener listener) {
        try {
            Optional<KeyIds> reloaded = cipher.reload();
            lastRefusal = null;
            reloaded.ifPresent(listener::reloaded);
        } catch (IllegalArgumentException e) {
            // once per distinct refusal, not every interval while the file stays unusable
            if (!e.getMessage().equals(lastRefusal)) {
                lastRefusal = e.getMessage();
                listener.refused(e.getMessage());
            }
        } catch (RuntimeException e) {
            listener.refused(e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
