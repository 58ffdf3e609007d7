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
 * The buckets of the {@code redis} backend: one per limit and key in Redis ({@code
 * <prefix><limit>:<id>}, e.g. {@code <prefix>callbacks:<tenantId>}, {@code
 * <prefix>registrations:<tenantId>}), shared by every instance, through bucket4j's Lettuce proxy
 * manager in its asynchronous form: a request waits for Redis's answer without any thread blocking.
 * A rate's {@code version} (the plan's) is the bucket's configuration version, so a plan change
 * replaces a bucket already stored (keeping its tokens, at most the new burst). A key expires once its
 * bucket would be full again and has stayed idle {@link #KEEP_AFTER_FULL} longer: made again, it is
 * the same.
 *
 * <p>When Redis does not answer within {@code pushgate.limits.redis-timeout} (slow, down, or not yet
 * connected) the request is decided by a local bucket holding this instance's share of the rate
 * (1/{@code pushgate.limits.instances}): never "no limit", and the request never waits on Redis nor
 * fails because of it. The instance counts each request so decided, shows {@code
 * pushgate_limit_falling_back} 1, and lets one request per {@code pushgate.limits.redis-retry-interval}
 * try Redis again; the first answer takes it back to Redis. The switches are logged through a {@link
 * SwitchLog}: the first fall and its return at once, further ones (a flapping Redis) summarized at
 * most once per {@link #LOG_PERIOD}.
 */
final class RedisBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisBuckets.class);

    static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    static final Duration LOG_PERIOD = Duration.ofMinutes(1);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    private final Duration timeout;
    private final long retryNanos;
    private final LocalBuckets fallback;
    private final LimitMetrics metrics;

    private final SwitchLog switches;
    private final AtomicBoolean fallingBack = new AtomicBoolean();
    /** When the instance last fell back (System.nanoTime): only an answer to a later request takes it back. */
    private volatile long fellBackAt;

    private final AtomicLong nextTry = new AtomicLong();
    private volatile CompletableFuture<Connected> connected;

    RedisBuckets(RedisClient client, LimitSettings settings, LimitMetrics metrics) {
        this.client = client;
        this.uri = RedisURI.create(settings.redisUrl());
        this.keyPrefix = settings.redisKeyPrefix();
        this.timeout = settings.redisTimeout();
        this.retryNanos = settings.redisRetryInterval().toNanos();
        this.fallback = new LocalBuckets(settings.instances());
        this.metrics = metrics;
        this.switches = new SwitchLog(LOG_PERIOD.toNanos());
        metrics.fallingBack(() -> fallingBack.get() ? 1 : 0);
        this.connected = connect();
    }

    /**
     * Takes one request from the bucket of {@code kind} and {@code id}: in Redis, or from this
     * instance's share while Redis does not answer; a refusal is counted (for {@code tenantId} and
     * {@code configurationId}, either may be null) with the backend that decided it. Never fails.
     */
    Mono<Admission> take(LimitKind kind, String id, Rate rate, UUID tenantId, UUID configurationId) {
        if (!tryRedis()) {
            return Mono.just(fallBack(kind, id, rate, tenantId, configurationId));
        }
        long asked = System.nanoTime();
        return Mono.fromFuture(() -> connection()
                        .thenCompose(redis -> redis.buckets
                                .builder()
                                .withImplicitConfigurationReplacement(rate.version(), TokensInheritanceStrategy.AS_IS)
                                .build(
                                        keyPrefix + kind.text() + ":" + id,
                                        () -> CompletableFuture.completedFuture(rate.configuration()))
                                .tryConsumeAndReturnRemaining(1)))
                .timeout(timeout, Mono.error(() -> new TimeoutException("no answer within " + timeout)))
                .map(probe -> {
                    answered(asked);
                    Admission admission = LocalBuckets.admission(probe, rate);
                    if (!admission.allowed()) {
                        metrics.refused(kind, tenantId, configurationId, LimitBackend.REDIS);
                    }
                    return admission;
                })
                .onErrorResume(error -> {
                    failed(error);
                    return Mono.just(fallBack(kind, id, rate, tenantId, configurationId));
                });
    }

    /**
     * The state of the bucket of {@code kind} and {@code id}, taking nothing: in Redis, or this
     * instance's share while Redis does not answer (then {@link Estimate#backend()} says {@code local}).
     * Never fails.
     */
    Mono<Estimate> estimate(LimitKind kind, String id, Rate rate) {
        if (!tryRedis()) {
            return Mono.just(new Estimate(fallback.estimate(kind, id, rate), LimitBackend.LOCAL));
        }
        long asked = System.nanoTime();
        return Mono.fromFuture(() -> connection()
                        .thenCompose(redis -> redis.buckets
                                .builder()
                                .withImplicitConfigurationReplacement(rate.version(), TokensInheritanceStrategy.AS_IS)
                                .build(
                                        keyPrefix + kind.text() + ":" + id,
                                        () -> CompletableFuture.completedFuture(rate.configuration()))
                                .estimateAbilityToConsume(1)))
                .timeout(timeout, Mono.error(() -> new TimeoutException("no answer within " + timeout)))
                .map(probe -> {
                    answered(asked);
                    return new Estimate(LocalBuckets.estimation(probe, rate), LimitBackend.REDIS);
                })
                .onErrorResume(error -> {
                    failed(error);
                    return Mono.just(new Estimate(fallback.estimate(kind, id, rate), LimitBackend.LOCAL));
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

    private Admission fallBack(LimitKind kind, String id, Rate rate, UUID tenantId, UUID configurationId) {
        metrics.fellBack(kind);
        Admission admission = fallback.take(kind, id, rate);
        if (!admission.allowed()) {
            metrics.refused(kind, tenantId, configurationId, LimitBackend.LOCAL);
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
            log(switches.returned(System.nanoTime()));
        } else {
            log(switches.due(System.nanoTime()));
        }
    }

    private void failed(Throwable error) {
        long now = System.nanoTime();
        if (fallingBack.compareAndSet(false, true)) {
            fellBackAt = now;
            nextTry.set(now + retryNanos);
            SwitchLog.Line line = switches.fell(now);
            if (line.kind() == SwitchLog.Kind.FELL) {
                log.warn(
                        "Redis at {} did not answer ({}): rate limits fall back to this instance's share of each"
                                + " limit until it answers again",
                        safeUri(),
                        error.toString());
            } else {
                log(line);
            }
        }
    }

    private void log(SwitchLog.Line line) {
        switch (line.kind()) {
            case RETURNED -> log.info("Redis at {} answers again: rate limits are shared again", safeUri());
            case SUMMARY ->
                log.warn(
                        "Redis at {} flaps: {} more falls back to local limits and {} returns since the last line"
                                + " (at most one a minute); deciding {} now",
                        safeUri(),
                        line.falls(),
                        line.returns(),
                        fallingBack.get() ? "locally" : "in Redis");
            default -> {}
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
