package io.pushgate.delivery.dispatch;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * One lane per credential: at most {@code permits} sends in flight on it, the others waiting in
 * arrival order. Lanes are independent, so a slow or throttled provider of one tenant never uses up
 * another tenant's turns. A lane whose sends wait for a permit is <em>backed up</em>: its tenant's
 * further work would only queue behind it ({@link #backlog()}).
 */
final class CredentialLanes {

    private final int permits;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();

    CredentialLanes(int permits) {
        this.permits = permits;
    }

    /** Runs {@code work} when its credential's lane has room; the lane frees up when it ends. */
    <T> Mono<T> run(UUID tenantId, UUID credentialId, Supplier<Mono<T>> work) {
        return Mono.create(sink -> {
            Lane lane = lanes.computeIfAbsent(credentialId, id -> new Lane(tenantId));
            lane.submit(() -> {
                Mono<T> started;
                try {
                    started = work.get();
                } catch (RuntimeException e) {
                    lane.release();
                    sink.error(e);
                    return;
                }
                started.doFinally(signal -> lane.release()).subscribe(sink::success, sink::error, sink::success);
            });
        });
    }

    /** Sends in flight and waiting, over every lane. */
    int depth() {
        int depth = 0;
        for (Lane lane : lanes.values()) {
            depth += lane.depth();
        }
        return depth;
    }

    /**
     * The tenants with a backed-up lane, and the sends in flight and waiting in every other tenant's
     * lanes.
     */
    Backlog backlog() {
        Set<UUID> backedUp = new HashSet<>();
        for (Lane lane : lanes.values()) {
            if (lane.backedUp()) {
                backedUp.add(lane.tenantId);
            }
        }
        int depth = 0;
        for (Lane lane : lanes.values()) {
            if (!backedUp.contains(lane.tenantId)) {
                depth += lane.depth();
            }
        }
        return new Backlog(backedUp, depth);
    }

    /** What {@link #backlog()} answers. */
    record Backlog(Set<UUID> backedUpTenants, int otherDepth) {}

    private final class Lane {
        private final UUID tenantId;
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        private int active;

        Lane(UUID tenantId) {
            this.tenantId = tenantId;
        }

        void submit(Runnable task) {
            synchronized (this) {
                if (active >= permits) {
                    waiting.add(task);
                    return;
                }
                active++;
            }
            task.run();
        }

        void release() {
            Runnable next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    active--;
                    return;
                }
            }
            next.run();
        }

        synchronized int depth() {
            return active + waiting.size();
        }

        synchronized boolean backedUp() {
            return !waiting.isEmpty();
        }
    }
}
