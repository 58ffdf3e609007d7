package io.pushgate.delivery.limit;

import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one way every limit takes a request: from its bucket in process ({@code local}: each instance
 * holds its own) or in Redis ({@code redis}, shared by every instance, with the local fallback at the
 * instance's share), counting refusals. A limit is its {@link LimitKind}, the key within it and its
 * {@link Rate}.
 */
@Component
class Limits {

    private final LimitMetrics metrics;
    private final LocalBuckets local = new LocalBuckets(1);
    private final RedisBuckets redis;

    Limits(LimitMetrics metrics, ObjectProvider<RedisBuckets> redis) {
        this.metrics = metrics;
        this.redis = redis.getIfAvailable();
    }

    /** Whether the buckets are in Redis: then a take is asynchronous. */
    boolean shared() {
        return redis != null;
    }

    /** Takes one request at once from an in-process bucket (the {@code local} backend only). */
    Admission takeLocal(LimitKind kind, Object id, Rate rate, UUID tenantId, UUID configurationId) {
        Admission admission = local.take(kind, id, rate);
        if (!admission.allowed()) {
            metrics.refused(kind, tenantId, configurationId, LimitBackend.LOCAL);
        }
        return admission;
    }

    /** The state of the backend's bucket, taking nothing; never fails because of Redis. */
    Mono<Estimate> estimate(LimitKind kind, Object id, Rate rate) {
        if (redis != null) {
            return redis.estimate(kind, id.toString(), rate);
        }
        return Mono.just(new Estimate(local.estimate(kind, id, rate), LimitBackend.LOCAL));
    }

    /** Takes one request from the backend's bucket; never fails because of Redis. */
    Mono<Admission> take(LimitKind kind, Object id, Rate rate, UUID tenantId, UUID configurationId) {
        if (redis != null) {
            return redis.take(kind, id.toString(), rate, tenantId, configurationId);
        }
        return Mono.just(takeLocal(kind, id, rate, tenantId, configurationId));
    }
}
