package io.pushgate.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.session.SessionEnded;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The live views' stream: an event per change, never one for the same state, and when it ends. */
class LiveEventsTests {

    @Test
    void sendsTheFirstStateAtOnceAndThenOnlyChanges() {
        Supplier<Mono<String>> reads = reads(List.of(Mono.just("a"), Mono.just("a"), Mono.just("b"), Mono.just("b")));
        StepVerifier.withVirtualTime(() -> events(LiveEvents.changes("changed", reads, state -> false, "")))
                .expectSubscription()
                .assertNext(event -> assertThat(event).isEqualTo("changed:" + Integer.toHexString("a".hashCode())))
                .thenAwait(LiveEvents.POLL.multipliedBy(2))
                .assertNext(event -> assertThat(event).isEqualTo("changed:" + Integer.toHexString("b".hashCode())))
                .thenAwait(LiveEvents.POLL)
                .expectNoEvent(LiveEvents.POLL)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void endsAfterTheChangeToTheLastState() {
        Supplier<Mono<String>> reads = reads(List.of(Mono.just("retrying"), Mono.just("delivered")));
        StepVerifier.withVirtualTime(() -> events(LiveEvents.changes("changed", reads, "delivered"::equals, "")))
                .expectSubscription()
                .expectNextMatches(event -> event.startsWith("changed:"))
                .thenAwait(LiveEvents.POLL)
                .expectNext("changed:" + Integer.toHexString("delivered".hashCode()), LiveEvents.ENDED + ":")
                .verifyComplete();
    }

    @Test
    void aBackendThatDoesNotAnswerIsAskedAgainAndARefusalEndsTheStream() {
        Supplier<Mono<String>> reads = reads(List.of(
                Mono.error(new ApiProblem(503, ApiProblem.UNAVAILABLE, null, "down", null)),
                Mono.just("a"),
                Mono.error(new ApiProblem(404, null, null, "no such notification", null))));
        StepVerifier.withVirtualTime(() -> events(LiveEvents.changes("changed", reads, state -> false, "")))
                .expectSubscription()
                .thenAwait(LiveEvents.POLL)
                .expectNext("changed:" + Integer.toHexString("a".hashCode()))
                .thenAwait(LiveEvents.POLL)
                .expectNext(LiveEvents.ENDED + ":")
                .verifyComplete();
    }

    @Test
    void anEndedSessionEndsTheStreamWithItsWords() {
        Supplier<Mono<String>> reads = reads(List.of(Mono.error(new SessionEnded("signed out"))));
        StepVerifier.withVirtualTime(() -> events(LiveEvents.changes("push", reads, state -> false, "Sign in again.")))
                .expectSubscription()
                .expectNext(LiveEvents.ENDED + ":Sign in again.")
                .verifyComplete();
    }

    @Test
    void aCommentKeepsAQuietStreamOpenAndItEndsAfterItsLongest() {
        Supplier<Mono<String>> reads = () -> Mono.just("same");
        StepVerifier.withVirtualTime(() -> events(LiveEvents.changes("changed", reads, state -> false, "")))
                .expectSubscription()
                .expectNextMatches(event -> event.startsWith("changed:"))
                .thenAwait(LiveEvents.HEARTBEAT)
                .expectNext("comment")
                .thenAwait(LiveEvents.STREAM)
                .thenConsumeWhile("comment"::equals)
                .verifyComplete();
    }

    /** Each read answers the next of {@code answers}, the last one again and again. */
    private static Supplier<Mono<String>> reads(List<Mono<String>> answers) {
        Deque<Mono<String>> left = new ArrayDeque<>(answers);
        return () -> left.size() > 1 ? left.poll() : left.peek();
    }

    /** Each event as {@code name:data}, a comment as {@code comment}. */
    private static Flux<String> events(Flux<ServerSentEvent<String>> events) {
        return events.map(event -> event.comment() != null ? "comment" : event.event() + ":" + event.data());
    }
}
