package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

/**
 * Which failures of a callback's body are its client going away (counted, said at DEBUG) and which
 * stay faults of ours (logged at ERROR): told by type, not swallowed wholesale.
 */
class ClientDisconnectsTests {

    @Test
    void aConnectionClosedOrCutShortIsTheClientGoingAway() {
        assertThat(ClientDisconnects.isClientGone(new AbortedException("Connection has been closed")))
                .isTrue();
        assertThat(ClientDisconnects.isClientGone(AbortedException.beforeSend()))
                .isTrue();
        assertThat(ClientDisconnects.isClientGone(new PrematureChannelClosureException("closed")))
                .isTrue();
        assertThat(ClientDisconnects.isClientGone(
                        new IllegalStateException("wrapped", new AbortedException("Connection has been closed"))))
                .isTrue();
    }

    /** The native transport's (epoll's) reset and broken pipe, by their error numbers. */
    @Test
    void aResetOrABrokenPipeOfTheNativeTransportIsTheClientGoingAway() {
        assumeTrue(Epoll.isAvailable(), "the native transport is not available here");
        assertThat(ClientDisconnects.isClientGone(
                        new Errors.NativeIoException("recvAddress", Errors.ERRNO_ECONNRESET_NEGATIVE)))
                .isTrue();
        assertThat(ClientDisconnects.isClientGone(new Errors.NativeIoException("writev", Errors.ERRNO_EPIPE_NEGATIVE)))
                .isTrue();
        assertThat(ClientDisconnects.isClientGone(new Errors.NativeIoException("read", Errors.ERRNO_EBADF_NEGATIVE)))
                .as("another error of the transport is ours")
                .isFalse();
    }

    @Test
    void anyOtherFailureStaysAFaultOfOurs() {
        assertThat(ClientDisconnects.isClientGone(new IllegalStateException("boom")))
                .isFalse();
        assertThat(ClientDisconnects.isClientGone(new IOException("No space left on device")))
                .isFalse();
        assertThat(ClientDisconnects.isClientGone(new TimeoutException("no answer in 5 s")))
                .isFalse();
        assertThat(ClientDisconnects.isClientGone(new R2dbcNonTransientResourceException("Connection closed")))
                .as("the database's connection closing is not the client's")
                .isFalse();
        assertThat(ClientDisconnects.isClientGone(null)).isFalse();
    }
}
