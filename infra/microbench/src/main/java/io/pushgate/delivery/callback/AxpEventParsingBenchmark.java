package io.pushgate.delivery.callback;

import io.pushgate.api.axp.AxpEvent;
import java.nio.charset.StandardCharsets;
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
 * Reading one callback body as the ingress does ({@link AxpEventReader}: strict JSON, then the
 * event's rules). In this package because the reader is package-private to delivery-service.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AxpEventParsingBenchmark {

    private final AxpEventReader reader = new AxpEventReader();

    /** The five fields AXP sends, as in AXP-CONTRACT.md §1. */
    private final byte[] typical = """
            {"eventId":"778af6a9-41f8-4153-a3a1-d913b2911b3b",\
            "conversationId":"0ba1c2d3-7e55-4f5e-9a1b-3c4d5e6f7a8b",\
            "customerId":"customer-4711",\
            "sessionId":"bf813a5d-2e06-4047-bae2-e01da2f69f7c",\
            "eventDate":"2026-11-25T21:08:07.123Z"}""".getBytes(StandardCharsets.UTF_8);

    /** The same plus extra fields of mixed types up to: the most fields a callback may have. */
    private final byte[] widest = widest();

    @Benchmark
    public AxpEvent typicalEvent() {
        return reader.event(reader.object(typical));
    }

    @Benchmark
    public AxpEvent widestEvent() {
        return reader.event(reader.object(widest));
    }

    private static byte[] widest() {
        StringBuilder json = new StringBuilder("""
                {"eventId":"778af6a9-41f8-4153-a3a1-d913b2911b3b",\
                "conversationId":"0ba1c2d3-7e55-4f5e-9a1b-3c4d5e6f7a8b",\
                "customerId":"customer-4711",\
                "sessionId":"bf813a5d-2e06-4047-bae2-e01da2f69f7c",\
                "eventDate":"2026-11-25T21:08:07.123Z\"""");
        for (int i = 0; i < AxpEvent.MAX_FIELDS - 5; i++) {
            json.append(",\"extra").append(i).append("\":");
            switch (i % 3) {
                case 0 -> json.append("\"value ").append(i).append('"');
                case 1 -> json.append(i * 1000);
                default -> json.append(i % 2 == 0);
            }
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
