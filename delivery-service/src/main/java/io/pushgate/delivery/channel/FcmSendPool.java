package io.pushgate.delivery.channel;

import com.google.firebase.FirebaseApp;
import com.google.firebase.ThreadManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The threads every FCM send of this process runs on. firebase-admin's client is blocking: a send
 * holds a thread until FCM answers. So there are at most {@code threads} of them for all credentials
 * together ({@code pushgate.providers.fcm-send-threads}, named {@code pushgate-fcm-send-N}), and at
 * most {@code queue} sends waiting for one ({@code fcm-send-queue}). A thread is started only when
 * every thread is busy (and ends after a minute without work), so the pool is as large as the sends
 * that ran at once, not as the bound.
 *
 * <p>A send waits in the queue only as long as its caller does: when the caller gives up (the send
 * time-out, or a cancel) before a thread took it, it is abandoned and never starts — so the retry
 * that follows cannot make it a second push ({@code send_queue_timeout}). A send that has started
 * cannot be called back: given up, FCM may still take it, and the retry may push it twice (the send
 * time-out's {@code timeout}, at least once by design). A full queue answers at once, {@code
 * send_queue_full}: transient, the retry policy tries again later.
 *
 * <p>It is also every {@link FirebaseApp}'s {@link ThreadManager}: whatever firebase-admin runs
 * asynchronously runs on these threads, never on a pool of its own, and deleting an app (a credential
 * replaced or idle) leaves them to the others. They stop with the process ({@link #close}).
 */
final class FcmSendPool extends ThreadManager implements AutoCloseable {

    /** The name of each send thread, followed by its number: ours in a thread dump or a profile. */
    static final String THREAD_NAME = "pushgate-fcm-send-";

    static final DeliveryOutcome QUEUE_FULL = new DeliveryOutcome.Transient("send_queue_full", null);
    static final DeliveryOutcome QUEUE_TIMEOUT = new DeliveryOutcome.Transient("send_queue_timeout", null);
    static final DeliveryOutcome TIMEOUT = new DeliveryOutcome.Transient("timeout", null);
    static final DeliveryOutcome CLOSED = new DeliveryOutcome.Transient("channel_closed", null);

    private final int threads;
    private final Threads executor;
    private final ThreadFactory longLived = named("pushgate-firebase-");

    /** Tasks handed to the executor and not yet finished, skipped or taken out of its queue. */
    private final AtomicInteger unfinished = new AtomicInteger();

    FcmSendPool(int threads, int queue) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("fcm-send-threads and fcm-send-queue must be positive");
        }
        this.threads = threads;
        this.executor = new Threads(new Waiting(queue));
    }

    /**
     * Runs {@code send} on one of the pool's threads and answers its outcome; {@code send} must turn
     * every failure into an outcome. Not started within {@code timeout}: abandoned, {@code
     * send_queue_timeout}; started and not answered within it: {@code timeout}.
     */
    Mono<DeliveryOutcome> send(Supplier<DeliveryOutcome> send, Duration timeout) {
        return Mono.defer(() -> {
            Send queued = new Send(send);
            return Mono.<DeliveryOutcome>create(sink -> {
                        queued.answerTo(sink);
                        sink.onCancel(queued::abandon);
                        try {
                            executor.execute(queued);
                        } catch (RejectedExecutionException full) {
                            queued.abandon();
                            sink.success(executor.isShutdown() ? CLOSED : QUEUE_FULL);
                        }
                    })
                    .timeout(timeout, Mono.fromSupplier(() -> queued.abandon() ? QUEUE_TIMEOUT : TIMEOUT));
        });
    }

    /** Sends running now. */
    int active() {
        return executor.getActiveCount();
    }

    /** Sends waiting for a thread. */
    int queued() {
        return executor.getQueue().size();
    }

    @Override
    protected ExecutorService getExecutor(FirebaseApp app) {
        return executor;
    }

    /** Shared by every app: an app's deletion leaves it running. */
    @Override
    protected void releaseExecutor(FirebaseApp app, ExecutorService executor) {}

    /**
     * For firebase-admin's long-lived threads: the scheduled executor it makes for an app on first use
     * (its proactive token refresh, which only the Realtime Database client starts; Project Management's
     * polling), which firebase-admin names {@code firebase-scheduled-worker} itself. FCM sends never ask
     * for one.
     */
    @Override
    protected ThreadFactory getThreadFactory() {
        return longLived;
    }

    /**
     * Stops the threads: a send still waiting answers {@code channel_closed} without being sent; one
     * running is interrupted (its answer, if it comes, is lost, as at any stop).
     */
    @Override
    public void close() {
        List<Runnable> waiting = executor.shutdownNow();
        for (Runnable runnable : waiting) {
            if (runnable instanceof Send send && send.abandon()) {
                send.answer(CLOSED);
            }
        }
    }

    /**
     * The executor: no core threads, so it starts one only when its queue declines a task ({@link
     * Waiting#offer}), up to the bound; a thread without work for a minute ends, so an idle process
     * keeps none. It counts the tasks handed to it that are not done, firebase-admin's own included.
     */
    private final class Threads extends ThreadPoolExecutor {

        Threads(Waiting waiting) {
            super(0, threads, 60, TimeUnit.SECONDS, waiting, named(THREAD_NAME), (task, pool) -> {
                // at the bound (or another task took the last new thread meanwhile): wait if there is room
                if (pool.isShutdown() || !waiting.enqueue(task)) {
                    throw new RejectedExecutionException("FCM send queue full");
                }
            });
        }

        @Override
        public void execute(Runnable task) {
            unfinished.incrementAndGet();
            try {
                super.execute(task);
            } catch (RejectedExecutionException e) {
                if (!isShutdown()) { // once shut down, the count no longer matters
                    unfinished.decrementAndGet();
                }
                throw e;
            }
        }

        @Override
        public boolean remove(Runnable task) {
            boolean removed = super.remove(task);
            if (removed) {
                unfinished.decrementAndGet();
            }
            return removed;
        }

        @Override
        protected void afterExecute(Runnable task, Throwable failure) {
            // a send counts itself done before it answers (Send#run), so its caller's next send finds
            // this thread free; firebase-admin's tasks when they return
            if (!(task instanceof Send)) {
                unfinished.decrementAndGet();
            }
        }
    }

    /**
     * The tasks waiting for a thread. It declines a send while every thread is busy and the pool is
     * below its bound, so that the executor starts a thread for it instead (a {@link ThreadPoolExecutor}
     * otherwise starts threads beyond its core size only when its queue is full).
     */
    private final class Waiting extends LinkedBlockingQueue<Runnable> {

        private static final long serialVersionUID = 1L;

        Waiting(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable send) {
            int running = executor.getPoolSize();
            if (running < threads && unfinished.get() > running) {
                return false;
            }
            return super.offer(send);
        }

        boolean enqueue(Runnable send) {
            return super.offer(send);
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One send: queued, then either started by a thread or abandoned by its caller, never both. */
    private final class Send implements Runnable {

        private static final int QUEUED = 0;
        private static final int STARTED = 1;
        private static final int ABANDONED = 2;

        private final Supplier<DeliveryOutcome> send;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private volatile MonoSink<DeliveryOutcome> sink;

        Send(Supplier<DeliveryOutcome> send) {
            this.send = send;
        }

        void answerTo(MonoSink<DeliveryOutcome> sink) {
            this.sink = sink;
        }

        /** Makes sure it never starts, and leaves the queue to live sends; {@code false} if it has started. */
        boolean abandon() {
            if (state.compareAndSet(QUEUED, ABANDONED)) {
                executor.remove(this);
                return true;
            }
            return state.get() == ABANDONED;
        }

        void answer(DeliveryOutcome outcome) {
            MonoSink<DeliveryOutcome> to = sink;
            if (to != null) {
                to.success(outcome);
            }
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, STARTED)) {
                unfinished.decrementAndGet();
                return; // its caller gave up just as a thread took it: never sent
            }
            DeliveryOutcome outcome;
            try {
                outcome = send.get();
            } catch (RuntimeException e) {
                outcome = new DeliveryOutcome.Transient("io_error", null);
            } finally {
                // before the answer: the caller's next send finds this thread free
                unfinished.decrementAndGet();
            }
            answer(outcome);
        }
    }
}
