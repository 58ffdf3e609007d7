package io.pushgate.delivery.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivery per credential as shaping, never a refusal: each credential has an in-process bucket of its
 * tenant's {@code deliveriesPerSecondPerCredential} (a tenth of a second's pushes at once; with {@code
 * pushgate.limits.instances} N, each instance shapes to 1/N of it), and a push over the rate waits its
 * turn in its credential's queue, in arrival order: one timer per credential takes the next token when
 * the refill brings it and lets the head of the queue go. A late timer (a busy machine) lets at most a
 * bucket's worth through at once, never a catch-up burst. Local on every backend (Redis is never asked
 * on the delivery path); with the default plan a credential below 5,000 pushes a second never waits,
 * and the cost is two map look-ups (the queue; the credential's tenant, for {@link LimitUsage}) and one lock-free
 * bucket take per push.
 */
@Component
public class DeliveryShaping {

    /** How long a credential without pushes on this instance still shows in its tenant's usage. */
    static final Duration USED_LATELY = Duration.ofMinutes(10);

    private final Plans plans;
    private final LocalBuckets buckets;
    private final Map<UUID, Turns> waiting = new ConcurrentHashMap<>();
    private final Scheduler timer = Schedulers.parallel();
    /** Whose credential each one this instance has pushed through lately is: a tenant's usage lists them. */
    private final Cache<UUID, UUID> tenantOf;

    DeliveryShaping(Plans plans, LimitSettings settings) {
        this.plans = plans;
        this.buckets = new LocalBuckets(settings.instances());
        this.tenantOf = Caffeine.newBuilder()
                .expireAfterAccess(USED_LATELY)
                .maximumSize(1_000_000)
                .build();
    }

    /**
     * One credential's shaping on this instance.
     *
     * @param limit the pushes its bucket holds when full (a tenth of a second's, at this instance's share)
     * @param remaining the pushes it may send at once now
     * @param resetSeconds whole seconds until its bucket is full again
     * @param waiting the pushes waiting for their turn now
     */
    record CredentialUsage(UUID credentialId, long limit, long remaining, long resetSeconds, int waiting) {}

    /**
     * The shaping of each credential of {@code plan}'s tenant that this instance has pushed through in
     * the last {@link #USED_LATELY} (any other credential has its whole rate ahead of it), by id.
     */
    List<CredentialUsage> usage(TenantPlan plan) {
        Rate rate = Rates.deliveries(plan);
        List<CredentialUsage> usage = new ArrayList<>();
        tenantOf.asMap().forEach((credentialId, tenantId) -> {
            if (tenantId.equals(plan.tenantId())) {
                Admission state = buckets.estimate(LimitKind.DELIVERIES, credentialId, rate);
                Turns turns = waiting.get(credentialId);
                usage.add(new CredentialUsage(
                        credentialId,
                        state.limit(),
                        state.remaining(),
                        state.resetSeconds(),
                        turns == null ? 0 : turns.size));
            }
        });
        usage.sort(Comparator.comparing(CredentialUsage::credentialId));
        return usage;
    }

    /**
     * The wait before one push of {@code tenantId} through {@code credentialId}: {@code null} when it
     * may go now (nothing to subscribe to), else a {@code Mono} that completes when its turn comes.
     * A plan that cannot be read never holds a push back.
     */
    public Mono<Void> turn(UUID tenantId, UUID credentialId) {
        tenantOf.get(credentialId, id -> tenantId);
        TenantPlan plan = plans.cached(tenantId);
        if (plan != null) {
            return turn(credentialId, Rates.deliveries(plan));
        }
        return plans.of(tenantId)
                .flatMap(loaded -> {
                    Mono<Void> turn = turn(credentialId, Rates.deliveries(loaded));
                    return turn == null ? Mono.<Void>empty() : turn;
                })
                .onErrorResume(error -> Mono.empty());
    }

    private Mono<Void> turn(UUID credentialId, Rate rate) {
        Turns turns = waiting.get(credentialId);
        if ((turns == null || turns.isEmpty()) && buckets.tryTake(LimitKind.DELIVERIES, credentialId, rate)) {
            return null;
        }
        Turns queue = turns != null ? turns : waiting.computeIfAbsent(credentialId, Turns::new);
        return Mono.create(sink -> queue.add(sink, rate));
    }

    /** The pushes of one credential waiting for their turn, and its one timer. */
    private final class Turns {
        private final UUID credentialId;
        private final ArrayDeque<MonoSink<Void>> queue = new ArrayDeque<>();
        private Rate rate;
        private boolean scheduled;
        private volatile int size;

        Turns(UUID credentialId) {
            this.credentialId = credentialId;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(MonoSink<Void> sink, Rate latest) {
            synchronized (this) {
                queue.add(sink);
                size = queue.size();
                rate = latest;
                if (scheduled) {
                    return;
                }
                scheduled = true;
            }
            drain();
        }

        /** Lets the queue's head go for each token there is; schedules itself for the next one. */
        void drain() {
            List<MonoSink<Void>> go = new ArrayList<>();
            synchronized (this) {
                while (!queue.isEmpty()) {
                    Admission admission = buckets.take(LimitKind.DELIVERIES, credentialId, rate);
                    if (!admission.allowed()) {
                        timer.schedule(this::drain, Math.max(1, admission.nanosToWait()), TimeUnit.NANOSECONDS);
                        break;
                    }
                    go.add(queue.poll());
                }
                size = queue.size();
                scheduled = !queue.isEmpty();
            }
            go.forEach(MonoSink::success);
        }
    }
}
