package io.pushgate.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

/**
 * Which failures of a request are its client going away (counted, said at DEBUG) and which stay
 * faults of ours (logged at ERROR): told by type, and only NIO's type-less reset by its message.
 */
class ClientGoneTests {

    @Test
    void aConnectionClosedOrCutShortIsTheClientGoingAway() {
        assertThat(ClientGone.isClientGone(new AbortedException("Connection has been closed")))
                .isTrue();
        assertThat(ClientGone.isClientGone(AbortedException.beforeSend())).isTrue();
        assertThat(ClientGone.isClientGone(new PrematureChannelClosureException("closed")))
                .isTrue();
        assertThat(ClientGone.isClientGone(
                        new IllegalStateException("wrapped", new AbortedException("Connection has been closed"))))
                .isTrue();
    }

    /** The native transport's (epoll's) reset and broken pipe, by their error numbers. */
    @Test
    void aResetOrABrokenPipeOfTheNativeTransportIsTheClientGoingAway() {
        assumeTrue(Epoll.isAvailable(), "the native transport is not available here");
        assertThat(ClientGone.isClientGone(
                        new Errors.NativeIoException("recvAddress", Errors.ERRNO_ECONNRESET_NEGATIVE)))
                .isTrue();
        assertThat(ClientGone.isClientGone(new Errors.NativeIoException("writev", Errors.ERRNO_EPIPE_NEGATIVE)))
                .isTrue();
        assertThat(ClientGone.isClientGone(new Errors.NativeIoException("read", Errors.ERRNO_EBADF_NEGATIVE)))
                .as("another error of the transport is ours")
                .isFalse();
    }

    /** NIO's reset and broken pipe: an {@code IOException} or {@code SocketException} told by its message. */
    @Test
    void aResetOrABrokenPipeOfNioIsTheClientGoingAway() {
        assertThat(ClientGone.isClientGone(new SocketException("Connection reset by peer")))
                .isTrue();
        assertThat(ClientGone.isClientGone(new IOException("Connection reset by peer")))
                .isTrue();
        assertThat(ClientGone.isClientGone(new IOException("Broken pipe"))).isTrue();
        assertThat(ClientGone.isClientGone(
                        new IllegalStateException("wrapped", new IOException("Connection reset by peer"))))
                .isTrue();
    }

    @Test
    void anyOtherFailureStaysAFaultOfOurs() {
        assertThat(ClientGone.isClientGone(new IllegalStateException("boom"))).isFalse();
        assertThat(ClientGone.isClientGone(new IOException("No space left on device")))
                .isFalse();
        assertThat(ClientGone.isClientGone(new IOException()))
                .as("an IOException without a message is no reset (Reactor Netty's own reading says it is)")
                .isFalse();
        assertThat(ClientGone.isClientGone(new SocketException()))
                .as("nor a SocketException without one")
                .isFalse();
        assertThat(ClientGone.isClientGone(new ConnectException("Connection refused")))
                .as("a connection of ours that fails is not the client's")
                .isFalse();
        assertThat(ClientGone.isClientGone(new TimeoutException("no answer in 5 s")))
                .isFalse();
        assertThat(ClientGone.isClientGone(null)).isFalse();
    }
}
