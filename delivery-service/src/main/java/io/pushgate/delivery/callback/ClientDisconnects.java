package io.pushgate.delivery.callback;

import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.netty.channel.AbortedException;

/**
 * Whether a failure of a request's body is the client going away — its doing, not ours: it closed
 * the connection before the body ended (Reactor Netty's {@link AbortedException}, Netty's decoder's
 * {@link PrematureChannelClosureException}) or reset it (the native transport's {@code ECONNRESET} or
 * {@code EPIPE}). Told by type and error number; only NIO's {@code SocketException}, whose type says
 * nothing, is told by Reactor Netty's own reading of its message ({@link
 * AbortedException#isConnectionReset}). Anything else is a fault of ours.
 */
final class ClientDisconnects {

    private static final Logger log = LoggerFactory.getLogger(ClientDisconnects.class);
    private static final AtomicBoolean QUIET = new AtomicBoolean();

    private ClientDisconnects() {}

    /**
     * Reactor's hook for an error signalled to a subscriber that has already ended, once per JVM: a
     * reset connection's error is one. Reactor Netty signals a request body's reset again as it
     * discards the body after the answer (to the body's subscriber, done since the first signal), and
     * Reactor's default hook logs that at ERROR: one line per client that resets its connection. Such
     * an error is said at DEBUG; any other is logged at ERROR as Reactor's default does.
     */
    static void quietDroppedDisconnects() {
        if (QUIET.compareAndSet(false, true)) {
            Hooks.onErrorDropped(ClientDisconnects::dropped);
        }
    }

    private static void dropped(Throwable error) {
        if (isClientGone(error)) {
            log.debug("A client's connection ended, signalled again after its request was done: {}", error.toString());
            return;
        }
        log.error("Operator called default onErrorDropped", error);
    }

    static boolean isClientGone(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            if (cause instanceof AbortedException || cause instanceof PrematureChannelClosureException) {
                return true;
            }
            if (cause instanceof Errors.NativeIoException io
                    && (io.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE
                            || io.expectedErr() == Errors.ERRNO_EPIPE_NEGATIVE)) {
                return true;
            }
            if (AbortedException.isConnectionReset(cause)) {
                return true;
            }
        }
        return false;
    }

    /** A body that ended because its client went away; no stack trace, as it is no fault. */
    static final class ClientDisconnected extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ClientDisconnected(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
