package io.pushgate.portal.web;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.session.SessionEnded;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The server-sent events of the portal's live views (the delivery log, a notification, the sandbox
 * phone; htmx's SSE extension in the browser): the portal reads the view's state every {@link #POLL}
 * for the open page and sends the view's event whenever the state changed — the first time at once,
 * so that a reconnected page catches up — and the browser then fetches the view's fragment. A comment
 * every {@link #HEARTBEAT}, so that a page that was left is noticed (the write fails); at most {@link
 * #STREAM} a stream, after which the browser's EventSource connects again.
 *
 * <p>{@value #ENDED} closes the stream (the page's {@code sse-close}): when the state is the last one
 * (after its change), when the backend refuses the read (asking again would be refused again), and
 * when the member's session ended. A backend that does not answer only skips that read.
 */
public final class LiveEvents {

    /** How often the state is read for an open page. */
    public static final Duration POLL = Duration.ofSeconds(1);

    /** A comment this often on the stream: a browser that left is noticed (the write fails) within it. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** The longest one stream lasts; the browser's EventSource then connects again if the page is still open. */
    public static final Duration STREAM = Duration.ofMinutes(10);

    /** The event after which nothing more comes: the page closes its stream on it. */
    public static final String ENDED = "ended";

    private LiveEvents() {}

    /**
     * {@code event} whenever {@code state} changed (its data: a short text that changes with the
     * state), then {@value #ENDED} once a state is {@code last}; {@value #ENDED} with {@code
     * sessionEnded} as its data when the member's session ended.
     */
    public static <T> Flux<ServerSentEvent<String>> changes(
            String event, Supplier<Mono<T>> state, Predicate<T> last, String sessionEnded) {
        Flux<ServerSentEvent<String>> changes = Flux.interval(Duration.ZERO, POLL)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.defer(state)
                        .map(Read::of)
                        .onErrorResume(
                                ApiProblem.class,
                                problem -> refused(problem) ? Mono.just(Read.<T>refusal()) : Mono.empty()))
                .distinctUntilChanged()
                .concatMap(read -> {
                    if (read.refused()) {
                        return Flux.just(ended(""));
                    }
                    ServerSentEvent<String> change = ServerSentEvent.builder(
                                    Integer.toHexString(read.state().hashCode()))
                            .event(event)
                            .build();
                    return last.test(read.state()) ? Flux.just(change, ended("")) : Flux.just(change);
                });
        Flux<ServerSentEvent<String>> heartbeat = Flux.interval(HEARTBEAT)
                .map(tick -> ServerSentEvent.<String>builder().comment("").build());
        return changes.mergeWith(heartbeat)
                .takeUntil(sent -> ENDED.equals(sent.event()))
                .take(STREAM)
                .onErrorResume(SessionEnded.class, ended -> Flux.just(ended(sessionEnded)));
    }

    /** A refusal (a 4xx other than 429) ends the stream; a backend that did not answer is asked again. */
    private static boolean refused(ApiProblem problem) {
        return problem.status() >= 400 && problem.status() < 500 && problem.status() != 429;
    }

    private static ServerSentEvent<String> ended(String data) {
        return ServerSentEvent.builder(data).event(ENDED).build();
    }

    /** One read of the state, or the backend's refusal of it. */
    private record Read<T>(T state, boolean refused) {

        static <T> Read<T> of(T state) {
            return new Read<>(state, false);
        }

        static <T> Read<T> refusal() {
            return new Read<>(null, true);
        }
    }
}
