package io.pushgate.api.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.netty.channel.AbortedException;

/**
 * Whether a failure of a request is its client going away — its doing, not ours: it closed the
 * connection before the request's body ended (Reactor Netty's {@link AbortedException}, Netty's
 * decoder's {@link PrematureChannelClosureException}) or reset it (the native transport's {@code
 * ECONNRESET} or {@code EPIPE}, by error number; NIO's {@link IOException} or {@link
 * java.net.SocketException}, whose type says nothing, by the reset messages Reactor Netty itself
 * reads: {@code Connection reset by peer} and {@code Broken pipe}). Anything else — an {@code IOException}
 * without a message included — is a fault of ours. A service answers such a failure with nothing
 * (nobody is left to read it), says it at DEBUG and counts it in {@code
 * pushgate_requests_client_gone_total} ({@link #counter}).
 */
public final class ClientGone {

    /** The meter of requests whose client went away, {@code pushgate_requests_client_gone_total{route}}: its name. */
    public static final String METER = "pushgate.requests.client.gone";

    /** The {@code route} of a request no route matched (yet) when its client went away. */
    public static final String NO_ROUTE = "none";

    private static final Logger log = LoggerFactory.getLogger(ClientGone.class);
    private static final AtomicBoolean QUIET = new AtomicBoolean();
    private static final int MAX_DEPTH = 16;

    private ClientGone() {}

    /** Whether {@code error}, or one of its causes, is the client closing or resetting its connection. */
    public static boolean isClientGone(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (cause instanceof AbortedException || cause instanceof PrematureChannelClosureException) {
                return true;
            }
            if (cause instanceof Errors.NativeIoException io) {
                if (io.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE
                        || io.expectedErr() == Errors.ERRNO_EPIPE_NEGATIVE) {
                    return true;
                }
            } else if (cause instanceof IOException io && isResetMessage(io.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * NIO's words for a reset and a broken pipe (the kernel's {@code Connection reset by peer} and
     * {@code Broken pipe}): the messages {@link AbortedException#isConnectionReset} reads, without its
     * reading of an {@code IOException} without a message as a reset.
     */
    private static boolean isResetMessage(String message) {
        return message != null && (message.contains("Connection reset by peer") || message.contains("Broken pipe"));
    }

    /**
     * The counter of requests to {@code route} (a route's pattern, never a path: a path may hold a
     * token; {@link #NO_ROUTE} before routing) whose client went away, in {@code meters}.
     */
    public static Counter counter(String route, MeterRegistry meters) {
        return Counter.builder(METER)
                .description("Requests whose client closed or reset the connection before their answer, by route")
                .tag("route", route)
                .register(meters);
    }

    /**
     * Installs, once per JVM, Reactor's hook for an error signalled to a subscriber that has already
     * ended: a reset connection's error is one. Reactor Netty signals a request body's reset again as
     * it discards the body after the answer (to the body's subscriber, done since the first signal),
     * and Reactor's default hook logs that at ERROR: one line per client that resets its connection.
     * Such an error is said at DEBUG; any other is logged at ERROR as Reactor's default does. For a
     * service's start-up, before it serves.
     */
    public static void quietDroppedErrors() {
        if (QUIET.compareAndSet(false, true)) {
            Hooks.onErrorDropped(ClientGone::dropped);
        }
    }

    private static void dropped(Throwable error) {
        if (isClientGone(error)) {
            log.debug("A client's connection ended, signalled again after its request was done: {}", error.toString());
            return;
        }
        log.error("Operator called default onErrorDropped", error);
    }
}
