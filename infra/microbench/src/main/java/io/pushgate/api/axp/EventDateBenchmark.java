package io.pushgate.api.axp;

import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checking one event's {@code eventDate}: once per callback, on the event loop. The formatter's full
 * parse (the check before issue 19's goal 2) against {@link IsoDateTimes}' fast path, on the shape AXP
 * sends, and the fast path's fallback on a shape it leaves to the formatter. In this package because
 * {@link IsoDateTimes} is package-private to the {@code api} module.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventDateBenchmark {

    // not final, so that the JIT cannot fold the checks into constants
    private String axpDate = "2026-11-25T21:08:07.123Z";
    private String offsetDate = "2026-11-25T22:08:07.123+01:00";
    private String noOffsetDate = "2026-11-25T21:08:07.123";

    @Benchmark
    public TemporalAccessor formatterAxpShape() {
        return DateTimeFormatter.ISO_DATE_TIME.parse(axpDate);
    }

    @Benchmark
    public boolean checkAxpShape() {
        return IsoDateTimes.isDateTime(axpDate);
    }

    @Benchmark
    public boolean checkWithOffset() {
        return IsoDateTimes.isDateTime(offsetDate);
    }

    /** Without an offset the fast path does not decide: the formatter's cost … */
    @Benchmark
    public TemporalAccessor formatterWithoutOffset() {
        return DateTimeFormatter.ISO_DATE_TIME.parse(noOffsetDate);
    }

    /** … and the check's, the fast path's look plus the formatter's parse. */
    @Benchmark
    public boolean checkWithoutOffset() {
        return IsoDateTimes.isDateTime(noOffsetDate);
    }
}
