package io.pushgate.testkit;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** HTTP clients for tests that call a service over a real socket. */
public final class TestHttp {

    private TestHttp() {}

    /**
     * A connector that opens a new connection per request, for {@code
     * WebTestClient.bindToServer(TestHttp.unpooled())}. In CI a pooled connection, reused right after a
     * request with a body was refused (401/403), twice left the next request without an answer until
     * its time-out. The services keep such a connection usable (a raw-socket test in tenant-service's
     * {@code EdgesIntegrationTests} shows it), so the race is the shared Reactor Netty client pool's;
     * tests should not depend on it.
     */
    public static ReactorClientHttpConnector unpooled() {
        return new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection()));
    }
}
