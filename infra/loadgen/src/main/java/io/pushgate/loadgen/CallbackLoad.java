package io.pushgate.loadgen;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.pushgate.api.AxpSignature;
import io.pushgate.loadgen.SignedCallbacks.SignedCallback;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends requests — callbacks to one callback URL, or device registrations — at a fixed rate or
 * concurrency. In the open model the schedule is fixed in advance: the n-th request is due at
 * start + n / rate, and its latency counts from then, so a server stall shows in the figures
 * instead of slowing the generator down (no coordinated omission).
 */
final class CallbackLoad {

    /** One request of a run: sent with the run's client; its outcome names the request and its status. */
    interface Request {
        Mono<Outcome> send(HttpClient client);
    }

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final Supplier<Request> requests;
    private final HttpClient client;
    private final ConnectionProvider connections;

    /** Signed callbacks to {@code options.callbackUrl()}. */
    CallbackLoad(BenchOptions options) {
        this(options, callbacks(options));
    }

    CallbackLoad(BenchOptions options, Supplier<Request> requests) {
        this.options = options;
        this.requests = requests;
        this.connections = ConnectionProvider.builder("pushgate-bench")
                .maxConnections(options.connections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(RESPONSE_TIMEOUT)
                .build();
        this.client = HttpClient.create(connections)
                .responseTimeout(RESPONSE_TIMEOUT)
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
    }

    RunResults run() throws InterruptedException {
        RunResults results = new RunResults();
        try {
            if (options.rate() > 0) {
                openModel(results);
            } else {
                closedModel(results);
            }
        } finally {
            connections.dispose();
        }
        return results;
    }

    private void openModel(RunResults results) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
        long warmupCount = options.warmup().toNanos() / interval;
        long total = warmupCount + options.duration().toNanos() / interval;
        AtomicLong inFlight = new AtomicLong();
        long start = System.nanoTime();
        results.measureFrom(start + warmupCount * interval);
        long n = 0;
        while (n < total) {
            // every callback that is due goes now; then sleep until the next one is due. Sleeping in
            // one piece (not in short naps) keeps this thread off the CPU the server needs.
            long now = System.nanoTime();
            for (; n < total && start + n * interval <= now; n++) {
                long due = start + n * interval;
                boolean measured = n >= warmupCount;
                results.recordSendLag(now - due, measured);
                inFlight.incrementAndGet();
                requests.get().send(client).subscribe(outcome -> {
                    results.record(outcome.eventId(), outcome.status(), System.nanoTime() - due, measured, due);
                    inFlight.decrementAndGet();
                });
            }
            long wait = start + n * interval - System.nanoTime();
            if (n < total && wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        awaitDrained(inFlight);
    }

    private void closedModel(RunResults results) throws InterruptedException {
        long measureFrom = System.nanoTime() + options.warmup().toNanos();
        long end = measureFrom + options.duration().toNanos();
        results.measureFrom(measureFrom);
        Semaphore callers = new Semaphore(options.concurrency());
        AtomicLong inFlight = new AtomicLong();
        while (System.nanoTime() < end) {
            if (!callers.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long sent = System.nanoTime();
            boolean measured = sent >= measureFrom;
            inFlight.incrementAndGet();
            requests.get().send(client).subscribe(outcome -> {
                results.record(outcome.eventId(), outcome.status(), System.nanoTime() - sent, measured, sent);
                inFlight.decrementAndGet();
                callers.release();
            });
        }
        awaitDrained(inFlight);
    }

    record Outcome(String eventId, String status) {}

    private static Supplier<Request> callbacks(BenchOptions options) {
        SignedCallbacks callbacks = new SignedCallbacks(options.secret(), options.sessionIds(), options.sessions());
        String url = options.callbackUrl().toString();
        return () -> {
            SignedCallback callback = callbacks.next();
            return client -> client.headers(headers -> headers.set(AxpSignature.HEADER, callback.signature()))
                    .post()
                    // the whole URL: with baseUrl() alone Reactor Netty would append "/" to its path
                    .uri(url)
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(callback.body())))
                    .responseSingle((response, body) ->
                            body.then(Mono.just(response.status().code())))
                    .map(status -> new Outcome(callback.eventId(), Integer.toString(status)))
                    .onErrorResume(error -> Mono.just(new Outcome(callback.eventId(), errorOutcome(error))));
        };
    }

    static String errorOutcome(Throwable error) {
        return "error:" + error.getClass().getSimpleName();
    }

    /** Waits for the answers still under way; the response time-out bounds the wait. */
    private static void awaitDrained(AtomicLong inFlight) throws InterruptedException {
        long deadline = System.nanoTime() + RESPONSE_TIMEOUT.plusSeconds(5).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
