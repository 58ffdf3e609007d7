package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A pruning pass whose server takes its connection and never answers (a wedged server, or a pooler
 * that lost its backend) ends by the next interval, and the next pass tries again: it must not hold
 * every later pass back for ever, which would leave the refresh tokens unpruned until a restart. The
 * direct URL is a relay on loopback to this run's database — the migrations at start go through it
 * — that the test then turns silent: from then on it takes each connection and answers nothing.
 */
@ControlPlaneTest
class RefreshTokenPruningUnansweredIntegrationTests {

    private static final Relay RELAY = Relay.to(URI.create(TestDatabase.get().url()));

    @DynamicPropertySource
    static void directUrlThroughTheRelay(DynamicPropertyRegistry properties) {
        URI database = URI.create(TestDatabase.get().url());
        properties.add(
                "pushgate.db.direct-url", () -> "postgresql://127.0.0.1:" + RELAY.port() + database.getRawPath());
        properties.add("pushgate.tokens.refresh-token-prune-interval", () -> "1s");
    }

    @Test
    void aPassTheServerNeverAnswersEndsByTheNextIntervalAndTheNextPassTriesAgain() throws Exception {
        RELAY.silence();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (RELAY.unanswered() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(RELAY.unanswered())
                .as("passes that opened a connection to the silent server, one a second")
                .isGreaterThanOrEqualTo(3);
    }

    @AfterAll
    static void close() {
        RELAY.close();
    }

    /** Relays each connection to the database until {@link #silence()}; after it takes them and stays silent. */
    private static final class Relay implements AutoCloseable {

        private final ServerSocket server;
        private final URI target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger unanswered = new AtomicInteger();
        private volatile boolean silent;

        private Relay(ServerSocket server, URI target) {
            this.server = server;
            this.target = target;
        }

        static Relay to(URI database) {
            try {
                Relay relay = new Relay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), database);
                daemon(relay::accept);
                return relay;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        void silence() {
            silent = true;
        }

        int unanswered() {
            return unanswered.get();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    sockets.add(client);
                    if (silent) {
                        unanswered.incrementAndGet(); // kept open, never answered
                        continue;
                    }
                    Socket upstream = new Socket(target.getHost(), target.getPort());
                    sockets.add(upstream);
                    daemon(() -> copy(client, upstream));
                    daemon(() -> copy(upstream, client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // either side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        private static void daemon(Runnable work) {
            Thread thread = new Thread(work, "relay");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket socket : sockets) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
