package io.pushgate.tenant.limit;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The buckets of the {@code redis} backend: one per quota in Redis ({@code <prefix><limit>:<key>}),
 * shared by every instance, through bucket4j's Lettuce proxy manager in its asynchronous form (no
 * thread waits for Redis). A quota's {@code version} is the bucket's configuration version, so a
 * plan change replaces a bucket already stored (keeping its tokens, at most the new capacity). A key
 * expires once its bucket would be full again and has stayed idle {@link #KEEP_AFTER_FULL} longer.
 *
 * <p>When Redis does not answer within {@code pushgate.limits.redis-timeout} (slow, down, or not yet
 * connected) the request is decided by a local bucket holding this instance's share of the quota
 * (1/{@code pushgate.limits.instances}): never "no limit", never an error because of Redis. The
 * instance logs the switch once, counts each request so decided, and lets one request per {@code
 * pushgate.limits.redis-retry-interval} try Redis again; the first answer to a request asked after
 * the fall takes it back to Redis (logged once too).
 */
final class RedisBuckets implements Buckets, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisBuckets.class);

    static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    private final Duration timeout;
    private final long retryNanos;
    private final TimeMeter time;
    private final int share;
    private final LocalBuckets fallback;
    private final LimitMetrics metrics;

    private final AtomicBoolean fallingBack = new AtomicBoolean();
    /** When the instance last fell back (System.nanoTime): only an answer to a later request takes it back. */
    private volatile long fellBackAt;

    private final AtomicLong nextTry = new AtomicLong();
    private volatile CompletableFuture<Connected> connected;

    RedisBuckets(RedisClient client, LimitSettings settings, TimeMeter time, LimitMetrics metrics) {
        this.client = client;
        this.uri = RedisURI.create(settings.redisUrl());
        this.keyPrefix = settings.redisKeyPrefix();
        this.timeout = settings.redisTimeout();
        this.retryNanos = settings.redisRetryInterval().toNanos();
        this.time = time;
        this.share = settings.instances();
        this.fallback = new LocalBuckets(time, share);
        this.metrics = metrics;
        this.connected = connect();
    }

    @Override
    public Mono<Admission> take(Quota quota) {
        return ask(
                quota,
                bucket -> bucket.tryConsumeAndReturnRemaining(1)
                        .thenApply(probe -> LocalBuckets.admission(probe, quota, 1, LimitBackend.REDIS)),
                () -> fallback.takeNow(quota));
    }

    @Override
    public Mono<Admission> estimate(Quota quota) {
        return ask(
                quota,
                bucket -> bucket.estimateAbilityToConsume(1).thenApply(probe -> {
                    Band first = quota.bands().get(0);
                    long remaining = probe.getRemainingTokens();
                    return new Admission(
                            probe.canBeConsumed(),
                            first.capacity(),
                            remaining,
                            probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill(),
                            first.nanosToFull(remaining),
                            LimitBackend.REDIS);
                }),
                () -> fallback.estimateNow(quota));
    }

    @Override
    public Mono<Void> giveBack(Quota quota) {
        return ask(quota, bucket -> bucket.addTokens(1).thenApply(done -> Boolean.TRUE), () -> {
                    fallback.giveBackNow(quota);
                    return Boolean.TRUE;
                })
                .then();
    }

    @Override
    public Mono<Void> reset(Quota quota) {
        return ask(quota, bucket -> bucket.reset().thenApply(done -> Boolean.TRUE), () -> {
                    fallback.resetNow(quota);
                    return Boolean.TRUE;
                })
                .then();
    }

    /**
     * Asks Redis for {@code remote} of the quota's bucket, or decides by {@code local} (this
     * instance's share) while Redis does not answer.
     */
    private <T> Mono<T> ask(Quota quota, Function<AsyncBucketProxy, CompletableFuture<T>> remote, Supplier<T> local) {
        return Mono.defer(
                () -> tryRedis() ? redis(quota, remote, local) : Mono.fromSupplier(() -> fallBack(quota, local)));
    }

    private <T> Mono<T> redis(Quota quota, Function<AsyncBucketProxy, CompletableFuture<T>> remote, Supplier<T> local) {
        long asked = System.nanoTime();
        return Mono.fromFuture(() -> connection()
                        .thenCompose(redis -> remote.apply(redis.buckets
                                .builder()
                                .withImplicitConfigurationReplacement(quota.version(), TokensInheritanceStrategy.AS_IS)
                                .build(
                                        keyPrefix + quota.limit() + ":" + quota.key(),
                                        () -> CompletableFuture.completedFuture(quota.configuration(1))))))
                .timeout(timeout, Mono.error(() -> new TimeoutException("no answer within " + timeout)))
                .doOnNext(answer -> answered(asked))
                .onErrorResume(error -> {
                    failed(error);
                    return Mono.fromSupplier(() -> fallBack(quota, local));
                });
    }

    /** Whether this request asks Redis: always while it answers, one per retry interval while it does not. */
    private boolean tryRedis() {
        if (!fallingBack.get()) {
            return true;
        }
        long due = nextTry.get();
        long now = System.nanoTime();
        return now - due >= 0 && nextTry.compareAndSet(due, now + retryNanos);
    }

    private <T> T fallBack(Quota quota, Supplier<T> local) {
        metrics.fellBack(quota.limit());
        return local.get();
    }

    /** Redis answered a request made at {@code asked}; one made before the fall does not take the instance back. */
    private void answered(long asked) {
        if (fallingBack.get() && asked - fellBackAt > 0 && fallingBack.compareAndSet(true, false)) {
            log.info("Redis at {} answers again: the control plane's limits are shared again", safeUri());
        }
    }

    private void failed(Throwable error) {
        long now = System.nanoTime();
        if (fallingBack.compareAndSet(false, true)) {
            fellBackAt = now;
            nextTry.set(now + retryNanos);
            log.warn(
                    "Redis at {} did not answer ({}): the control plane's limits fall back to this instance's share"
                            + " of each limit until it answers again",
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
        return client.connectAsync(CODEC, uri)
                .toCompletableFuture()
                .thenApply(connection -> new Connected(connection, time));
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

        Connected(StatefulRedisConnection<String, byte[]> connection, TimeMeter time) {
            this.connection = connection;
            this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                    .clientClock(time)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                    .build()
                    .asAsync();
        }
    }
}
