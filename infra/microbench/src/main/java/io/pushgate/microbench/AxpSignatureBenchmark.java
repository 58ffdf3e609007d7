package io.pushgate.microbench;

import io.pushgate.api.AxpSignature;
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

/** Verifying one callback's {@code X-hmac}: once per callback, on the event loop. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AxpSignatureBenchmark {

    private final String secret = "aGVsbG8td29ybGQtdGhpcy1pcy0zMi1ieXRlcy1sb25n";
    private final String eventId = "778af6a9-41f8-4153-a3a1-d913b2911b3b";
    private final String sessionId = "bf813a5d-2e06-4047-bae2-e01da2f69f7c";
    private final String valid = AxpSignature.sign(secret, eventId, sessionId);
    private final String wrong = valid.substring(0, 63) + (valid.charAt(63) == '0' ? '1' : '0');

    @Benchmark
    public boolean verifyValid() {
        return AxpSignature.verify(secret, eventId, sessionId, valid);
    }

    @Benchmark
    public boolean verifyWrong() {
        return AxpSignature.verify(secret, eventId, sessionId, wrong);
    }
}
