package io.pushgate.delivery.configuration;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * One callback's configuration look-up, served from memory ({@link Configurations#byCallbackKey}
 * after the first read): the known key, a cached unknown key, and a key that is not even shaped
 * like one. The loader stands in for the database, which a warm cache never reaches; 10,000 keys
 * are cached, as for a platform with 10,000 configurations. In this package because the loader
 * constructor is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class ConfigurationCacheBenchmark {

    private static final int CONFIGURATIONS = 10_000;

    private Configurations configurations;
    private String knownKey;
    private final String unknownKey = "unknown-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    @Setup(Level.Trial)
    public void warm() {
        configurations = new Configurations(
                key -> Mono.just(
                        key.startsWith("key-")
                                ? Optional.of(new CallbackConfiguration(
                                        UUID.randomUUID(), UUID.randomUUID(), true, "secret-" + key, null, null))
                                : Optional.empty()),
                new ConfigurationSettings(Duration.ofHours(1), 100_000, false, Duration.ofSeconds(2)));
        for (int i = 0; i < CONFIGURATIONS; i++) {
            configurations.byCallbackKey(String.format("key-%043d", i)).block();
        }
        knownKey = String.format("key-%043d", CONFIGURATIONS / 2);
        configurations.byCallbackKey(unknownKey).block();
    }

    @Benchmark
    public Optional<CallbackConfiguration> knownKey() {
        return configurations.byCallbackKey(knownKey).block();
    }

    @Benchmark
    public Optional<CallbackConfiguration> cachedUnknownKey() {
        return configurations.byCallbackKey(unknownKey).block();
    }

    @Benchmark
    public Optional<CallbackConfiguration> malformedKey() {
        return configurations.byCallbackKey("not a key/..").block();
    }
}
