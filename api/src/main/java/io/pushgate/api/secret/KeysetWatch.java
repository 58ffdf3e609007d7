package io.pushgate.api.secret;

import io.pushgate.api.secret.SecretCipher.KeyIds;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads a {@link SecretCipher}'s keyset file every {@code interval} ({@link SecretCipher#reload}),
 * on a daemon thread of its own, and tells its {@link Listener} what happened: a service takes a
 * rotated keyset without a restart. A keyset given as JSON is never watched.
 */
public final class KeysetWatch implements AutoCloseable {

    /** What a service does with a reload's outcome (log it, count it). */
    public interface Listener {

        /** The file changed and its new keyset is in use. */
        void reloaded(KeyIds keyIds);

        /** The file changed but cannot be used: {@code reason} names why, never the key. */
        void refused(String reason);
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
