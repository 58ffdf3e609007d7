package io.pushgate.delivery.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class CoalescerTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The batches the function was called with, each answered when the test says so. */
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    private final List<Sinks.One<List<String>>> answers = new CopyOnWriteArrayList<>();

    private Mono<List<String>> heldBatch(List<Integer> items) {
        batches.add(items);
        Sinks.One<List<String>> answer = Sinks.one();
        answers.add(answer);
        return answer.asMono();
    }

    private static List<String> echo(List<Integer> items) {
        return items.stream().map(item -> "r" + item).toList();
    }

    @Test
    void aLoneCallRunsAtOnce() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 100, TIMEOUT), items -> Mono.just(echo(items)));

        StepVerifier.create(coalescer.submit(7)).expectNext("r7").verifyComplete();
    }

    @Test
    void callsArrivingWhileABatchRunsGoTogetherIntoTheNextInOrder() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(3, 1, 100, TIMEOUT), this::heldBatch);
        List<String> results = new CopyOnWriteArrayList<>();
        for (int i = 1; i <= 5; i++) {
            coalescer.submit(i).subscribe(results::add);
        }
        assertThat(batches).containsExactly(List.of(1));

        answers.get(0).tryEmitValue(echo(batches.get(0)));
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4));
        answers.get(1).tryEmitValue(echo(batches.get(1)));
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5));
        answers.get(2).tryEmitValue(echo(batches.get(2)));

        assertThat(results).containsExactly("r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void aNullResultCompletesThatCallerEmpty() {
        Coalescer<Integer, String> coalescer = new Coalescer<>(
                new Coalescer.Limits(10, 1, 100, TIMEOUT),
                items -> Mono.just(items.stream()
                        .map(item -> item % 2 == 0 ? "even" : null)
                        .collect(ArrayList::new, ArrayList::add, ArrayList::addAll)));

        StepVerifier.create(coalescer.submit(1)).verifyComplete();
        StepVerifier.create(coalescer.submit(2)).expectNext("even").verifyComplete();
    }

    @Test
    void aFailedBatchFailsEachOfItsCallersAndTheNextBatchStillRuns() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 100, TIMEOUT), this::heldBatch);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<String> results = new CopyOnWriteArrayList<>();
        coalescer.submit(1).subscribe(results::add, errors::add);
        coalescer.submit(2).subscribe(results::add, errors::add);
        coalescer.submit(3).subscribe(results::add, errors::add);

        answers.get(0).tryEmitError(new IllegalStateException("database down"));
        answers.get(1).tryEmitError(new IllegalStateException("database down"));

        assertThat(errors).hasSize(3).allMatch(error -> error.getMessage().equals("database down"));
        coalescer.submit(4).subscribe(results::add, errors::add);
        answers.get(2).tryEmitValue(echo(batches.get(2)));
        assertThat(results).containsExactly("r4");
    }

    @Test
    void aBatchAnsweringTheWrongNumberOfResultsFailsItsCallers() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 100, TIMEOUT), items -> Mono.just(List.of()));

        StepVerifier.create(coalescer.submit(1))
                .expectErrorMessage("a batch of 1 answered 0 results")
                .verify();
    }

    @Test
    void aBatchThatAnswersNothingInTimeFailsItsCallersAndFreesItsPlace() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 100, Duration.ofMillis(50)), items -> Mono.never());

        StepVerifier.create(coalescer.submit(1))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify();
        StepVerifier.create(coalescer.submit(2))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify();
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 2, TIMEOUT), this::heldBatch);
        coalescer.submit(1).subscribe(); // runs
        coalescer.submit(2).subscribe(); // waits
        coalescer.submit(3).subscribe(); // waits

        StepVerifier.create(coalescer.submit(4))
                .expectError(Coalescer.QueueFullException.class)
                .verify();
    }

    @Test
    void aCallerThatCancelledBeforeItsBatchIsLeftOut() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 1, 100, TIMEOUT), this::heldBatch);
        coalescer.submit(1).subscribe();
        Disposable gone = coalescer.submit(2).subscribe();
        coalescer.submit(3).subscribe();
        gone.dispose();

        answers.get(0).tryEmitValue(echo(batches.get(0)));

        assertThat(batches).containsExactly(List.of(1), List.of(3));
    }

    @Test
    void severalBatchesMayRunAtOnce() {
        Coalescer<Integer, String> coalescer =
                new Coalescer<>(new Coalescer.Limits(10, 2, 100, TIMEOUT), this::heldBatch);
        coalescer.submit(1).subscribe();
        coalescer.submit(2).subscribe();
        coalescer.submit(3).subscribe();

        assertThat(batches).containsExactly(List.of(1), List.of(2));
    }
}
