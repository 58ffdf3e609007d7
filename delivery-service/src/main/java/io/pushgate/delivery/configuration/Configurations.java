package io.pushgate.delivery.configuration;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgate.api.secret.SecretCipher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The control plane's configurations by callback key, from memory. A key is read from {@code
 * tenancy.configuration} once, then served from the cache until a change notification evicts it or
 * the TTL ({@code pushgate.configuration.cache-ttl}) runs out; unknown keys are cached too, so a
 * flood of wrong keys does not reach the database.
 */
@Service
public class Configurations {

    /** Callback keys are URL-safe random strings of at most this length; others are unknown without a look-up. */
    private static final int MAX_CALLBACK_KEY_LENGTH = 128;

    private final Function<String, Mono<Optional<CallbackConfiguration>>> loader;
    private final AsyncCache<String, Optional<CallbackConfiguration>> cache;

    /** The warm-up's configuration while it runs, else {@code null}. */
    private volatile Served synthetic;

    @Autowired
    Configurations(DatabaseClient database, SecretCipher cipher, ConfigurationSettings settings) {
        this(callbackKey -> load(database, cipher, callbackKey), settings);
    }

    /** Reads a missing key with {@code loader}: the database in the service, anything in a benchmark. */
    Configurations(Function<String, Mono<Optional<CallbackConfiguration>>> loader, ConfigurationSettings settings) {
        this.loader = callbackKey -> {
            Served served = synthetic;
            return served != null && served.matches(callbackKey)
                    ? Mono.just(Optional.of(served.configuration()))
                    : loader.apply(callbackKey);
        };
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.cacheMaximumSize())
                .buildAsync();
    }

    /**
     * The configuration whose callback key is {@code callbackKey}, or empty when there is none.
     * Fails with {@link io.pushgate.api.secret.SecretUnreadableException} when its secret cannot be
     * opened, and with the database's error when it cannot be read; neither is cached.
     */
    public Mono<Optional<CallbackConfiguration>> byCallbackKey(String callbackKey) {
        if (!isCallbackKey(callbackKey)) {
            return Mono.just(Optional.empty());
        }
        return Mono.fromFuture(
                cache.get(callbackKey, (key, executor) -> loader.apply(key).toFuture()), true);
    }

    /** {@code [A-Za-z0-9_-]{1,128}}, checked without a regular expression: this runs per callback. */
    static boolean isCallbackKey(String candidate) {
        int length = candidate.length();
        if (length == 0 || length > MAX_CALLBACK_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = candidate.charAt(i);
            boolean urlSafe =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!urlSafe) {
                return false;
            }
        }
        return true;
    }

    /**
     * Forgets the configuration {@code configurationId}, every unknown key (it may just have been
     * created) and every read still in flight (it may have read the row before the change).
     */
    public void evict(UUID configurationId) {
        cache.asMap().entrySet().removeIf(entry -> {
            CompletableFuture<Optional<CallbackConfiguration>> future = entry.getValue();
            if (!future.isDone() || future.isCompletedExceptionally()) {
                return true;
            }
            Optional<CallbackConfiguration> configuration = future.join();
            return configuration.isEmpty() || configuration.get().id().equals(configurationId);
        });
    }

    /**
     * Serves the synthetic {@code configuration} for {@code callbackKey} (a random key known only to
     * this process) until the answer is closed, through the cache like any other: the warm-up's
     * callbacks take the path a tenant's take. Closed, the key is unknown again — the answer every
     * other unknown key gets. One at a time.
     */
    public AutoCloseable serveSynthetic(String callbackKey, CallbackConfiguration configuration) {
        if (!configuration.synthetic() || !isCallbackKey(callbackKey)) {
            throw new IllegalArgumentException("only a synthetic configuration with a callback key is served so");
        }
        Served served = new Served(callbackKey.getBytes(StandardCharsets.US_ASCII), configuration);
        synchronized (this) {
            if (synthetic != null) {
                throw new IllegalStateException("a synthetic configuration is served already");
            }
            synthetic = served;
        }
        return () -> {
            synchronized (this) {
                if (synthetic == served) {
                    synthetic = null;
                }
            }
            cache.synchronous().invalidate(callbackKey);
        };
    }

    /** Forgets everything, e.g. when change notifications may have been missed. */
    public void evictAll() {
        cache.synchronous().invalidateAll();
    }

    private static Mono<Optional<CallbackConfiguration>> load(
            DatabaseClient database, SecretCipher cipher, String callbackKey) {
        return database.sql("""
                        SELECT id, tenant_id, enabled, secret_ciphertext,
                               previous_secret_ciphertext, previous_secret_valid_until
                        FROM tenancy.configuration WHERE callback_key = $1""")
                .bind(0, callbackKey)
                .map((row, metadata) -> {
                    UUID id = row.get("id", UUID.class);
                    UUID tenantId = row.get("tenant_id", UUID.class);
                    ByteBuffer previous = row.get("previous_secret_ciphertext", ByteBuffer.class);
                    OffsetDateTime validUntil = row.get("previous_secret_valid_until", OffsetDateTime.class);
                    return new CallbackConfiguration(
                            id,
                            tenantId,
                            Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                            cipher.openText(bytes(row.get("secret_ciphertext", ByteBuffer.class)), tenantId, id),
                            previous == null ? null : cipher.openText(bytes(previous), tenantId, id),
                            validUntil == null ? null : validUntil.toInstant());
                })
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** The synthetic configuration and its key (compared in constant time: it is its only secret). */
    private record Served(byte[] callbackKey, CallbackConfiguration configuration) {

        boolean matches(String candidate) {
            return MessageDigest.isEqual(callbackKey, candidate.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
