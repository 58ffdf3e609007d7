package io.pushgate.delivery.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Plan;
import io.pushgate.delivery.configuration.TenantPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An instance's share of a plan: the redis backend's fallback, 1/N of the rate and the burst, rounded up. */
class LocalBucketsTests {

    @Test
    void aShareHoldsItsPartOfTheBurstRoundedUp() {
        // burst 5 over 2 instances: 3 each (2.5 rounded up), so the instances together never hold less than the plan
        List<Boolean> allowed = take(new LocalBuckets(2), plan(1, 5), 4);

        assertThat(allowed).containsExactly(true, true, true, false);
    }

    @Test
    void aShareIsNeverEmpty() {
        List<Boolean> allowed = take(new LocalBuckets(10), plan(1, 1), 2);

        assertThat(allowed).containsExactly(true, false);
    }

    @Test
    void theWholePlanIsAShareOfOne() {
        List<Boolean> allowed = take(new LocalBuckets(1), plan(1, 5), 6);

        assertThat(allowed).containsExactly(true, true, true, true, true, false);
    }

    private static List<Boolean> take(LocalBuckets buckets, TenantPlan plan, int times) {
        List<Boolean> allowed = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            allowed.add(buckets.take(plan).allowed());
        }
        return allowed;
    }

    private static TenantPlan plan(long callbacksPerSecond, long callbackBurst) {
        return new TenantPlan(UUID.randomUUID(), 1, new Plan(callbacksPerSecond, callbackBurst, 1_000, 100, 5_000));
    }
}
