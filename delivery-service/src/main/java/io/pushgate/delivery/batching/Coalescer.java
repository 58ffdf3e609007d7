package io.pushgate.delivery.batching;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs concurrent calls of one kind as batches (group commit): a call that arrives while {@code
 * maxConcurrent} batches are under way waits in a queue and goes into the next batch with the
 * others that arrived meanwhile, up to {@code maxBatchSize}. An idle coalescer runs a lone call at
 * once, so it adds no latency without load; under load one statement serves many callers.
 *
 * <p>The batch function answers one result per item, in the items' order; a {@code null} result
 * completes that caller's {@link Mono} empty. A batch that fails, or answers nothing within {@code
 * timeout}, fails each of its callers. A caller that cancels before its batch starts is left out of
 * it.
 *
 * @param <T> what a caller asks about
 * @param <R> what it is answered
 */
public final class Coalescer<T, R> {

    private final Function<List<T>, Mono<List<R>>> batch;
    private final Limits limits;
    private final ArrayDeque<Call<T, R>> queue = new ArrayDeque<>();
    private int inFlight; // guarded by queue

    public Coalescer(Limits limits, Function<List<T>, Mono<List<R>>> batch) {
        this.batch = batch;
        this.limits = limits;
    }

    /** {@code item}'s result, once the batch holding it has run; {@link QueueFullException} at once when the queue is full. */
    public Mono<R> submit(T item) {
        return Mono.create(sink -> {
            Call<T, R> call = new Call<>(item, sink);
            sink.onCancel(call::cancel);
            List<Call<T, R>> due;
            synchronized (queue) {
                if (queue.size() >= limits.maxQueued()) {
                    sink.error(new QueueFullException(queue.size()));
                    return;
                }
                queue.add(call);
                due = next();
            }
            if (due != null) {
                run(due);
            }
        });
    }

    /** The calls of the next batch, or {@code null} when none may start; the caller holds the lock. */
    private List<Call<T, R>> next() {
        if (inFlight >= limits.maxConcurrent()) {
            return null;
        }
        List<Call<T, R>> due = new ArrayList<>(Math.min(queue.size(), limits.maxBatchSize()));
        while (due.size() < limits.maxBatchSize() && !queue.isEmpty()) {
            Call<T, R> call = queue.poll();
            if (!call.cancelled) {
                due.add(call);
            }
        }
        if (due.isEmpty()) {
            return null;
        }
        inFlight++;
        return due;
    }

    private void run(List<Call<T, R>> calls) {
        List<T> items = new ArrayList<>(calls.size());
        calls.forEach(call -> items.add(call.item));
        Mono.defer(() -> batch.apply(items))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("a batch answered nothing")))
                // a fallback of its own: timeout(Duration) alone names the operator chain for its error
                // on every subscription, a cost per batch here
                .timeout(
                        limits.timeout(),
                        Mono.error(() -> new TimeoutException("no answer within " + limits.timeout())))
                .subscribe(
                        results -> {
                            finished();
                            answer(calls, results);
                        },
                        error -> {
                            finished();
                            calls.forEach(call -> call.sink.error(error));
                        });
    }

    private static <T, R> void answer(List<Call<T, R>> calls, List<R> results) {
        if (results.size() != calls.size()) {
            IllegalStateException wrong = new IllegalStateException(
                    "a batch of " + calls.size() + " answered " + results.size() + " results");
            calls.forEach(call -> call.sink.error(wrong));
            return;
        }
        for (int i = 0; i < calls.size(); i++) {
            R result = results.get(i);
            if (result == null) {
                calls.get(i).sink.success();
            } else {
                calls.get(i).sink.success(result);
            }
        }
    }

    private void finished() {
        List<Call<T, R>> due;
        synchronized (queue) {
            inFlight--;
            due = next();
        }
        if (due != null) {
            run(due);
        }
    }

    /**
     * @param maxBatchSize the most calls in one batch
     * @param maxConcurrent the most batches under way at once (keep it below the connection pool's size)
     * @param maxQueued the most calls waiting for a batch; more are refused at once
     * @param timeout the longest a batch may run
     */
    public record Limits(int maxBatchSize, int maxConcurrent, int maxQueued, Duration timeout) {

        public Limits {
            if (maxBatchSize < 1 || maxConcurrent < 1 || maxQueued < 1) {
                throw new IllegalArgumentException("batch size, concurrency and queue must each allow one call");
            }
        }
    }

    /** The queue holds {@code maxQueued} calls already. */
    public static final class QueueFullException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        QueueFullException(int queued) {
            super(queued + " calls wait for a batch already", null, false, false);
        }
    }

    private static final class Call<T, R> {

        final T item;
        final MonoSink<R> sink;
        volatile boolean cancelled;

        Call(T item, MonoSink<R> sink) {
            this.item = item;
            this.sink = sink;
        }

        void cancel() {
            cancelled = true;
        }
    }
}
