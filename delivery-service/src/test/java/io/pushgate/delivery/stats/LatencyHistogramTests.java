package io.pushgate.delivery.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rollup's latency buckets: fixed bounds, exact merges, percentiles from merged buckets. */
class LatencyHistogramTests {

    @Test
    void eachLatencyFallsInTheBucketWhoseBoundsHoldIt() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            double millis = Math.exp(random.nextDouble() * 15) / 10; // 0.1 ms to about 5.4 min
            int bucket = LatencyHistogram.bucket(millis);
            assertThat(millis).isLessThanOrEqualTo(LatencyHistogram.upperBound(bucket));
            if (bucket > 0) {
                assertThat(millis).isGreaterThan(LatencyHistogram.upperBound(bucket - 1));
            }
        }
        assertThat(LatencyHistogram.bucket(0)).isZero();
        assertThat(LatencyHistogram.bucket(1)).isZero();
        assertThat(LatencyHistogram.bucket(2)).isEqualTo(4);
        assertThat(LatencyHistogram.bucket(2.001)).isEqualTo(5);
        assertThat(LatencyHistogram.bucket(1e12)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void mergedHistogramsGiveThePercentilesOfAllTheirLatencies() {
        long[] one = new long[0];
        long[] two = new long[0];
        long[] all = new long[0];
        for (int ms = 1; ms <= 1000; ms++) {
            long[] single = count(ms);
            all = LatencyHistogram.add(all, single);
            if (ms % 3 == 0) {
                one = LatencyHistogram.add(one, single);
            } else {
                two = LatencyHistogram.add(two, single);
            }
        }
        long[] merged = LatencyHistogram.add(one, two);
        assertThat(merged).isEqualTo(all);
        // the 500th of 1..1000 ms is 500 ms: its bucket's upper bound; the 990th, 990 ms
        assertThat(LatencyHistogram.percentile(merged, 0.5))
                .isEqualTo(round(LatencyHistogram.upperBound(LatencyHistogram.bucket(500))));
        assertThat(LatencyHistogram.percentile(merged, 0.99))
                .isEqualTo(round(LatencyHistogram.upperBound(LatencyHistogram.bucket(990))));
        assertThat(LatencyHistogram.percentile(new long[3], 0.5)).isNull();
        assertThat(LatencyHistogram.percentile(count(5), 0.99)).isEqualTo(round(Math.pow(2, 10 / 4.0)));
    }

    @Test
    void trailingEmptyBucketsAreLeftOutOfTheStoredArray() {
        assertThat(LatencyHistogram.literal(LatencyHistogram.trimmed(new long[] {0, 2, 1, 0, 0})))
                .isEqualTo("{0,2,1}");
        assertThat(LatencyHistogram.literal(new long[0])).isEqualTo("{}");
    }

    private static long[] count(double millis) {
        long[] counts = new long[LatencyHistogram.bucket(millis) + 1];
        counts[counts.length - 1] = 1;
        return counts;
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
