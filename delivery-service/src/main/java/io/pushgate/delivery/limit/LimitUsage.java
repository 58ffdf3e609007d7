package io.pushgate.delivery.limit;

import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A tenant's use of the limits this service keeps, read without taking anything: its callback and
 * registration buckets (shared in Redis, or this instance's own) and the shaping of its credentials
 * on this instance. tenant-service shows it in {@code GET /v1/plan} beside the control plane's.
 */
@Service
class LimitUsage {

    /**
     * {@code GET /v1/usage}'s answer.
     *
     * @param callbacks the callback ingress's bucket ({@code callbackBurst}, refilled at {@code callbacksPerSecond})
     * @param registrations the registration API's bucket per tenant ({@code registrationsPerSecond})
     * @param deliveries the shaping per credential ({@code deliveriesPerSecondPerCredential})
     */
    record Usage(Bucket callbacks, Bucket registrations, Deliveries deliveries) {}

    /**
     * A tenant's bucket now, as {@code GET /v1/plan}'s {@code usage.apiCalls} shows the control plane's.
     *
     * @param backend who read it: {@code redis} (the bucket every instance shares) or {@code local}
     *     (this instance's own: the {@code local} backend, or the {@code redis} one's fallback)
     * @param shared whether {@code remaining} is the tenant's over every instance
     * @param limit the bucket's capacity (this instance's share of it while the {@code redis} backend falls back)
     * @param remaining the requests the tenant may make at once now
     * @param resetSeconds whole seconds until the bucket is full again
     * @param refusedByThisInstance the tenant's requests this instance answered 429 since {@code countedSince}
     * @param countedSince when this instance started
     */
    record Bucket(
            String backend,
            boolean shared,
            long limit,
            long remaining,
            long resetSeconds,
            long refusedByThisInstance,
            Instant countedSince) {}

    /**
     * The shaping of the tenant's pushes: always in process ({@code backend} {@code local}, never
     * shared), each instance at its share of the rate.
     *
     * @param perCredential the pushes a second each credential may send through this instance
     * @param credentials the credentials this instance pushed through lately, by id
     */
    record Deliveries(
            String backend, boolean shared, long perCredential, List<DeliveryShaping.CredentialUsage> credentials) {}

    private final Plans plans;
    private final Limits limits;
    private final LimitMetrics metrics;
    private final DeliveryShaping shaping;
    private final int instances;
    private final Instant started = Instant.now();

    LimitUsage(Plans plans, Limits limits, LimitMetrics metrics, DeliveryShaping shaping, LimitSettings settings) {
        this.plans = plans;
        this.limits = limits;
        this.metrics = metrics;
        this.shaping = shaping;
        this.instances = settings.instances();
    }

    /** The usage of {@code tenantId}; fails with the database's error when its plan cannot be read. */
    Mono<Usage> of(UUID tenantId) {
        return plans.of(tenantId)
                .flatMap(plan -> Mono.zip(
                                bucket(LimitKind.CALLBACKS, plan, Rates.callbacks(plan)),
                                bucket(LimitKind.REGISTRATIONS, plan, Rates.registrations(plan)))
                        .map(buckets -> new Usage(buckets.getT1(), buckets.getT2(), deliveries(plan))));
    }

    private Mono<Bucket> bucket(LimitKind kind, TenantPlan plan, Rate rate) {
        return limits.estimate(kind, plan.tenantId(), rate)
                .map(estimate -> new Bucket(
                        estimate.backend().text(),
                        estimate.backend() == LimitBackend.REDIS,
                        estimate.state().limit(),
                        estimate.state().remaining(),
                        estimate.state().resetSeconds(),
                        metrics.refusedSinceStart(kind, plan.tenantId()),
                        started));
    }

    private Deliveries deliveries(TenantPlan plan) {
        return new Deliveries(
                LimitBackend.LOCAL.text(),
                false,
                Rates.deliveries(plan).share(instances).tokens(),
                shaping.usage(plan));
    }
}
