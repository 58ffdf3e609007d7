package io.pushgate.delivery.stats;

import java.util.Arrays;

/**
 * Fixed log-scale buckets of latencies in milliseconds, {@value #PER_DOUBLING} per doubling: bucket 0
 * holds up to 1 ms, bucket {@code i} the latencies in (2^((i-1)/4), 2^(i/4)] ms, the last one
 * everything above 2^(({@value #BUCKETS}-2)/4) ms (about 70 minutes). The bounds never change, so
 * that histograms of any minutes and instances merge exactly by adding their counts bucket by bucket;
 * a percentile is the upper bound of the bucket holding its rank (at most 19 % above the true value).
 */
final class LatencyHistogram {

    static final int PER_DOUBLING = 4;
    static final int BUCKETS = 90;

    private LatencyHistogram() {}

    /** The bucket of a latency of {@code millis}. */
    static int bucket(double millis) {
        if (!(millis > 1.0)) {
            return 0;
        }
        int bucket = (int) Math.ceil(PER_DOUBLING * Math.log(millis) / Math.log(2) - 1e-9);
        return Math.min(Math.max(bucket, 1), BUCKETS - 1);
    }

    /** The upper bound of {@code bucket} in milliseconds (of the last, its lower bound). */
    static double upperBound(int bucket) {
        return Math.pow(2, Math.min(bucket, BUCKETS - 2) / (double) PER_DOUBLING);
    }

    /** Adds {@code more} to {@code counts} bucket by bucket (either may be shorter). */
    static long[] add(long[] counts, long[] more) {
        long[] sum = Arrays.copyOf(counts, Math.max(counts.length, more.length));
        for (int i = 0; i < more.length; i++) {
            sum[i] += more[i];
        }
        return sum;
    }

    /** {@code counts} without its trailing empty buckets. */
    static long[] trimmed(long[] counts) {
        int length = counts.length;
        while (length > 0 && counts[length - 1] == 0) {
            length--;
        }
        return length == counts.length ? counts : Arrays.copyOf(counts, length);
    }

    /**
     * The {@code quantile} (0 to 1) of the latencies counted in {@code counts}, in milliseconds rounded
     * to the microsecond: the upper bound of the bucket that holds the latency of rank {@code
     * ceil(quantile × total)}; {@code null} when nothing was counted.
     */
    static Double percentile(long[] counts, double quantile) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.round(upperBound(i) * 1000) / 1000.0;
            }
        }
        throw new IllegalStateException("unreachable: the rank is within the total");
    }

    /** The array literal PostgreSQL reads as {@code bigint[]}, e.g. {@code {0,2,1}}. */
    static String literal(long[] counts) {
        StringBuilder text = new StringBuilder(counts.length * 2 + 2).append('{');
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(counts[i]);
        }
        return text.append('}').toString();
    }
}
