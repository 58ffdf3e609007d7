package io.pushgate.delivery.limit;

import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The callback buckets of the {@code redis} backend: one per tenant in Redis ({@code
 * <prefix>callbacks:<tenantId>}), shared by every instance, through bucket4j's Lettuce proxy manager
 * in its asynchronous form: a callback waits for Redis's answer without any thread blocking. The
 * plan's {@code version} is the bucket's configuration version, so a plan change replaces a bucket
 * already stored (keeping its tokens, at most the new burst). A key expires once its bucket would be
 * full again and has stayed idle {@link #KEEP_AFTER_FULL} longer: made again, it is the same.
 *
 * <p>When Redis does not answer within {@code pushgate.limits.redis-timeout} (slow, down, or not yet
 * connected) the callback is decided by a local bucket holding this instance's share of the plan
 * (1/{@code pushgate.limits.instances}), so the callback path never waits on Redis nor fails because
 * of it. The instance logs the switch once, counts each callback so decided, and lets one callback
 * per {@code pushgate.limits.redis-retry-interval} try Redis again; the first answer takes it back to
 * Redis (logged once too).
 */
final class RedisBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisBuckets.class);

    static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    private final Duration timeout;
    private final long retryNanos;
    private final LocalBuckets fallback;
    private final LimitMetrics metrics;

    private final AtomicBoolean fallingBack = new AtomicBoolean();
    /** When the instance last fell back (System.nanoTime): only an answer to a later request takes it back. */
    private volatile long fellBackAt;

    private final AtomicLong nextTry = new AtomicLong();
    private volatile CompletableFuture<Connected> connected;

    RedisBuckets(RedisClient client, LimitSettings settings, LimitMetrics metrics) {
        this.client = client;
        this.uri = RedisURI.create(settings.redisUrl());
        this.keyPrefix = settings.redisKeyPrefix() + LimitMetrics.CALLBACKS + ":";
        this.timeout = settings.redisTimeout();
        this.retryNanos = settings.redisRetryInterval().toNanos();
        this.fallback = new LocalBuckets(settings.instances());
        this.metrics = metrics;
        this.connected = connect();
    }

    /**
     * Takes one callback of the plan's tenant: from its bucket in Redis, or from this instance's
     * share while Redis does not answer; a refusal is counted with the backend that decided it. Never
     * fails.
     */
    Mono<Admission> take(TenantPlan plan, UUID configurationId) {
        if (!tryRedis()) {
            return Mono.just(fallBack(plan, configurationId));
        }
        long rate = plan.plan().callbacksPerSecond();
        long burst = plan.plan().callbackBurst();
        long asked = System.nanoTime();
        return Mono.fromFuture(() -> connection()
                        .thenCompose(redis -> redis.buckets
                                .builder()
                                .withImplicitConfigurationReplacement(plan.version(), TokensInheritanceStrategy.AS_IS)
                                .build(
                                        keyPrefix + plan.tenantId(),
                                        () -> CompletableFuture.completedFuture(
                                                LocalBuckets.configuration(rate, burst)))
                                .tryConsumeAndReturnRemaining(1)))
                .timeout(timeout, Mono.error(() -> new TimeoutException("no answer within " + timeout)))
                .map(probe -> {
                    answered(asked);
                    Admission admission = LocalBuckets.admission(probe, burst, rate);
                    if (!admission.allowed()) {
                        metrics.callbackRefused(plan.tenantId(), configurationId, LimitBackend.REDIS);
                    }
                    return admission;
                })
                .onErrorResume(error -> {
                    failed(error);
                    return Mono.just(fallBack(plan, configurationId));
                });
    }

    /** Whether this callback asks Redis: always while it answers, one per retry interval while it does not. */
    private boolean tryRedis() {
        if (!fallingBack.get()) {
            return true;
        }
        long due = nextTry.get();
        long now = System.nanoTime();
        return now - due >= 0 && nextTry.compareAndSet(due, now + retryNanos);
    }

    private Admission fallBack(TenantPlan plan, UUID configurationId) {
        metrics.callbackFellBack();
        Admission admission = fallback.take(plan);
        if (!admission.allowed()) {
            metrics.callbackRefused(plan.tenantId(), configurationId, LimitBackend.LOCAL);
        }
        return admission;
    }

    /**
     * Redis answered a request made at {@code asked}. Requests already in flight when the instance fell
     * back (under load many are) do not take it back: only one asked since, so that a slow Redis does
     * not flip the instance back and forth (and log each flip) with every late answer.
     */
    private void answered(long asked) {
        if (fallingBack.get() && asked - fellBackAt > 0 && fallingBack.compareAndSet(true, false)) {
            log.info("Redis at {} answers again: callback limits are shared again", safeUri());
        }
    }

    private void failed(Throwable error) {
        long now = System.nanoTime();
        if (fallingBack.compareAndSet(false, true)) {
            fellBackAt = now;
            nextTry.set(now + retryNanos);
            log.warn(
                    "Redis at {} did not answer ({}): callback limits fall back to this instance's share of each"
                            + " plan until it answers again",
                    safeUri(),
                    error.toString());
        }
    }

    /** The connection, made again when the last attempt failed; Lettuce reconnects a made one by itself. */
    private CompletableFuture<Connected> connection() {
        CompletableFuture<Connected> current = connected;
        if (current.isCompletedExceptionally()) {
            synchronized (this) {
                current = connected;
                if (current.isCompletedExceptionally()) {
                    connected = current = connect();
                }
            }
        }
        return current;
    }

    private CompletableFuture<Connected> connect() {
        return client.connectAsync(CODEC, uri).toCompletableFuture().thenApply(Connected::new);
    }

    /** The URL without its password, for the log. */
    private String safeUri() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void close() {
        CompletableFuture<Connected> current = connected;
        current.cancel(false);
        if (current.isDone() && !current.isCompletedExceptionally()) {
            current.join().connection.close();
        }
    }

    /** A connection and the proxy manager over it. */
    private static final class Connected {
        final StatefulRedisConnection<String, byte[]> connection;
        final AsyncProxyManager<String> buckets;

        Connected(StatefulRedisConnection<String, byte[]> connection) {
            this.connection = connection;
            this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                    .build()
                    .asAsync();
        }
    }
}
