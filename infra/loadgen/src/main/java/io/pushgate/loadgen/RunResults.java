package io.pushgate.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a run saw: latencies of the measured callbacks (from their intended send time in the open
 * model), answers by status, and every eventId that got a 202 — warm-up included — for the
 * check that none was lost.
 */
final class RunResults {

    private final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    /** eventId → when its 202 arrived, in microseconds since the epoch (wall clock, for the delivery check). */
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();

    private final LongAdder measured = new LongAdder();
    /** The measured callbacks' latencies per {@link #WINDOW} of their send time, counted from the measured phase's start. */
    private final Map<Integer, Histogram> windowLatencyMicros = new ConcurrentHashMap<>();
    /** When the measured phase starts: {@link System#nanoTime()} and the wall clock in microseconds since the epoch. */
    private volatile long measureFromNanos;

    private volatile long measureFromEpochMicros;
    /** Open model: how late the generator sent each measured callback; large values mean it, not the server, lagged. */
    private final Histogram sendLagMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);

    /** How long one window of the run's time line is (a cold start shows in the first ones). */
    static final Duration WINDOW = Duration.ofSeconds(10);

    /** The measured phase starts at {@code nanoTime} (this JVM's {@link System#nanoTime()}). */
    void measureFrom(long nanoTime) {
        measureFromNanos = nanoTime;
        Instant now = Instant.now();
        long epochMicros = TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000;
        measureFromEpochMicros = epochMicros + TimeUnit.NANOSECONDS.toMicros(nanoTime - System.nanoTime());
    }

    /** When the measured phase started, in microseconds since the epoch (the wall clock). */
    long measureFromEpochMicros() {
        return measureFromEpochMicros;
    }

    /** The same as {@link #record(String, String, long, boolean)}, counted in the window of {@code sentNanos}. */
    void record(String eventId, String outcome, long latencyNanos, boolean measuredPhase, long sentNanos) {
        record(eventId, outcome, latencyNanos, measuredPhase);
        if (measuredPhase) {
            int window = (int) ((sentNanos - measureFromNanos) / WINDOW.toNanos());
            windowLatencyMicros
                    .computeIfAbsent(window, key -> new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3))
                    .recordValue(Math.min(
                            TimeUnit.NANOSECONDS.toMicros(Math.max(0, latencyNanos)), TimeUnit.MINUTES.toMicros(10)));
        }
    }

    /** The measured callbacks' latency per window: window number → count and p99 in milliseconds. */
    java.util.SortedMap<Integer, Map<String, Number>> windows() {
        java.util.SortedMap<Integer, Map<String, Number>> windows = new java.util.TreeMap<>();
        windowLatencyMicros.forEach((window, micros) -> windows.put(
                window, Map.of("count", micros.getTotalCount(), "p99", millis(micros.getValueAtPercentile(99)))));
        return windows;
    }

    void record(String eventId, String outcome, long latencyNanos, boolean measuredPhase) {
        if ("202".equals(outcome)) {
            Instant now = Instant.now();
            acceptedAt.put(eventId, TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000);
        }
        if (measuredPhase) {
            outcomes.computeIfAbsent(outcome, key -> new LongAdder()).increment();
            latencyMicros.recordValue(Math.min(
                    TimeUnit.NANOSECONDS.toMicros(Math.max(0, latencyNanos)),
                    latencyMicros.getHighestTrackableValue()));
            measured.increment();
        }
    }

    void recordSendLag(long lagNanos, boolean measuredPhase) {
        if (measuredPhase) {
            sendLagMicros.recordValue(Math.min(
                    TimeUnit.NANOSECONDS.toMicros(Math.max(0, lagNanos)), sendLagMicros.getHighestTrackableValue()));
        }
    }

    Map<String, Double> sendLagMillis() {
        return percentiles(sendLagMicros);
    }

    Collection<String> acceptedEventIds() {
        return acceptedAt.keySet();
    }

    Map<String, Long> acceptedAt() {
        return acceptedAt;
    }

    long measuredCount() {
        return measured.sum();
    }

    long outcome(String outcome) {
        LongAdder count = outcomes.get(outcome);
        return count == null ? 0 : count.sum();
    }

    Map<String, Long> outcomes() {
        Map<String, Long> sorted = new LinkedHashMap<>();
        outcomes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue().sum()));
        return sorted;
    }

    /** Latency percentiles in milliseconds: p50, p90, p99, p99.9, max. */
    Map<String, Double> latencyMillis() {
        return percentiles(latencyMicros);
    }

    /** A histogram of microseconds as milliseconds: p50, p90, p99, p99.9, max. */
    static Map<String, Double> percentiles(Histogram micros) {
        Map<String, Double> percentiles = new LinkedHashMap<>();
        percentiles.put("p50", millis(micros.getValueAtPercentile(50)));
        percentiles.put("p90", millis(micros.getValueAtPercentile(90)));
        percentiles.put("p99", millis(micros.getValueAtPercentile(99)));
        percentiles.put("p99.9", millis(micros.getValueAtPercentile(99.9)));
        percentiles.put("max", millis(micros.getMaxValue()));
        return percentiles;
    }

    double throughput(Duration measuredFor) {
        return measuredCount() / (measuredFor.toNanos() / 1e9);
    }

    private static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
