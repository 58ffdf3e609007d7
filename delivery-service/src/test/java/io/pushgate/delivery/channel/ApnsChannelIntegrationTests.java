package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ApnsChannel} against the APNs emulator over real sockets, through a relay that can hold a new
 * connection back (as a slow TLS handshake or a reconnection's back-off holds pushy's sends).
 */
class ApnsChannelIntegrationTests {

    private static final String TOPIC = "io.pushgate.channel";

    private static ApnsEmulator apns;
    private static EventLoopGroup loop;

    @BeforeAll
    @SuppressWarnings("deprecation") // pushy picks its channel class by the group's class; it knows NioEventLoopGroup
    static void start() {
        apns = ApnsEmulator.start(0, true);
        loop = new io.netty.channel.nio.NioEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        apns.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The drill's first APNs sends on a loaded machine: the connection took longer than the send
     * timeout, the sends were tried again, and pushy wrote the given-up ones as well once the
     * connection opened — each pushed twice. A given-up send must never go out.
     */
    @Test
    void aSendGivenUpWhileItsConnectionOpensNeverGoesOut() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        try (HoldingRelay relay = new HoldingRelay(apns.port())) {
            ApnsChannel channel = channel(key, URI.create("https://localhost:" + relay.port()), Duration.ofSeconds(1));
            try {
                String token = hexToken();

                // the connection is held back: the send times out while pushy waits for it
                DeliveryOutcome first =
                        channel.send(push(UUID.randomUUID(), token)).block(Duration.ofSeconds(15));
                assertThat(first).isEqualTo(new DeliveryOutcome.Transient("timeout", null));

                // the connection opens: pushy has the given-up send still, and writes what it holds
                relay.release();
                // another device's send over the same connection, tried until answered (a cold JVM's
                // first handshake may outlast a try): once it is, what pushy held has gone or not
                String other = hexToken();
                DeliveryOutcome answered = first;
                for (int tries = 0; !(answered instanceof DeliveryOutcome.Accepted) && tries < 30; tries++) {
                    answered = channel.send(push(UUID.randomUUID(), other)).block(Duration.ofSeconds(15));
                }
                assertThat(answered).isInstanceOf(DeliveryOutcome.Accepted.class);
                assertThat(apns.notificationsTo(other)).isNotEmpty();

                Thread.sleep(1_000);
                assertThat(apns.notificationsTo(token)).as("the given-up send").isEmpty();
            } finally {
                channel.close();
            }
        }
    }

    private static ApnsChannel channel(ApnsAuthKey key, URI server, Duration sendTimeout) throws Exception {
        return ApnsChannel.create(
                new Credential(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        PushProvider.APNS,
                        Map.of("keyId", key.keyId(), "teamId", key.teamId(), "topic", TOPIC, "environment", "sandbox"),
                        key.privateKeyPem()),
                null,
                loop,
                new ProviderSettings(
                        URI.create("https://fcm.invalid"),
                        server,
                        apns.serverCertificatePem(),
                        sendTimeout,
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        1,
                        1,
                        1));
    }

    private static Push push(UUID notificationId, String token) {
        return new Push(
                notificationId,
                token,
                DevicePlatform.IOS,
                Map.of("eventId", "e-" + notificationId, "sessionId", "s-1"),
                "title",
                "body",
                "conversation-1",
                Instant.now().plusSeconds(600),
                null);
    }

    private static String hexToken() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A TCP relay on loopback to {@code 127.0.0.1:target}: it accepts connections at once but relays
     * nothing until {@link #release()} (the client's TLS handshake waits meanwhile), then both ways.
     */
    private static final class HoldingRelay implements AutoCloseable {

        private final ServerSocket server;
        private final int target;
        private final CountDownLatch released = new CountDownLatch(1);

        HoldingRelay(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "holding-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void release() {
            released.countDown();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread relay = new Thread(() -> relay(client), "holding-relay-connection");
                    relay.setDaemon(true);
                    relay.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void relay(Socket client) {
            try (client;
                    Socket upstream = awaitRelease()) {
                if (upstream == null) {
                    return;
                }
                Thread back = new Thread(() -> pump(upstream, client), "holding-relay-back");
                back.setDaemon(true);
                back.start();
                pump(client, upstream);
                back.join();
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
        }

        private Socket awaitRelease() throws IOException, InterruptedException {
            released.await();
            return server.isClosed() ? null : new Socket(InetAddress.getLoopbackAddress(), target);
        }

        private static void pump(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            released.countDown();
        }
    }
}
