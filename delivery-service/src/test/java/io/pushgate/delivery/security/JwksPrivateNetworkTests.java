package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.pushgate.testkit.TestIssuer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * A trusted issuer's JWKS on a private network is refused unless {@code jwks-allowed-networks}
 * names it — with the real JWKS client, and without ever opening a connection to a private address:
 * names resolve through a look-up this test controls (no DNS), and every connection the client
 * tries passes a switchboard that records the address it asked for and connects to the test issuer
 * on loopback instead. A refusal shows as no connection tried at all.
 */
class JwksPrivateNetworkTests {

    private final TestIssuer idp = TestIssuer.ec();
    private final List<InetSocketAddress> connectionsTried = new CopyOnWriteArrayList<>();
    private final List<String> namesLookedUp = new CopyOnWriteArrayList<>();
    private final Map<String, String> names = Map.of(
            "idp.corp.test", "10.1.2.3",
            "idp.cgnat.test", "100.64.7.7",
            "idp.v6.test", "fd00:1::7",
            "idp.public.test", "203.0.113.7");

    @AfterEach
    void close() {
        idp.close();
    }

    @Test
    void refusesAPrivateAddressLiteralWithoutTryingAConnection() {
        JwksFetcher fetcher = fetcher();
        for (String host :
                List.of("10.1.2.3", "172.16.5.4", "192.168.0.9", "100.64.1.1", "[fd00::5]", "[::ffff:10.9.9.9]")) {
            StepVerifier.create(fetcher.fetch(jwksAt(host)))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .as(host)
                            .isInstanceOf(JwksFetcher.JwksUnavailableException.class)
                            .hasMessage("the JWKS URI's address is on a private network that"
                                    + " pushgate.security.jwks-allowed-networks does not name"))
                    .verify(Duration.ofSeconds(10));
        }
        assertThat(connectionsTried).isEmpty();
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void refusesANameThatResolvesToAPrivateAddressWithoutTryingAConnection() {
        JwksFetcher fetcher = fetcher();
        for (String host : List.of("idp.corp.test", "idp.cgnat.test", "idp.v6.test")) {
            StepVerifier.create(fetcher.fetch(jwksAt(host)))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .as(host)
                            .isInstanceOf(JwksFetcher.JwksUnavailableException.class)
                            .hasMessage(host + " resolves to an address that is not allowed (a private network"
                                    + " that pushgate.security.jwks-allowed-networks does not name)"))
                    .verify(Duration.ofSeconds(10));
        }
        // the guard decided on the resolved address: the names were looked up, nothing was connected
        assertThat(namesLookedUp).contains("idp.corp.test", "idp.cgnat.test", "idp.v6.test");
        assertThat(connectionsTried).isEmpty();
        assertThat(idp.jwksRequests()).isZero();
    }

    @Test
    void fetchesFromANetworkTheSettingNames() throws UnknownHostException {
        JwksFetcher fetcher = fetcher("10.1.0.0/16", "fd00:1::/64");
        for (String host : List.of("idp.corp.test", "10.1.2.3", "idp.v6.test")) {
            StepVerifier.create(fetcher.fetch(jwksAt(host)))
                    .assertNext(keys ->
                            assertThat(keys.getKeyByKeyId(idp.keyId())).as(host).isNotNull())
                    .verifyComplete();
        }
        assertThat(connectionsTried)
                .extracting(InetSocketAddress::getAddress)
                .containsExactly(
                        InetAddress.getByName("10.1.2.3"),
                        InetAddress.getByName("10.1.2.3"),
                        InetAddress.getByName("fd00:1::7"));
        assertThat(idp.jwksRequests()).isEqualTo(3);

        // a network the setting does not name stays refused
        StepVerifier.create(fetcher.fetch(jwksAt("idp.cgnat.test")))
                .expectError(JwksFetcher.JwksUnavailableException.class)
                .verify(Duration.ofSeconds(10));
        assertThat(connectionsTried).hasSize(3);
    }

    @Test
    void aPublicNameIsFetched() {
        StepVerifier.create(fetcher().fetch(jwksAt("idp.public.test")))
                .assertNext(keys -> assertThat(keys.getKeys()).isNotEmpty())
                .verifyComplete();
        assertThat(connectionsTried)
                .extracting(address -> address.getAddress().getHostAddress())
                .containsExactly("203.0.113.7");
    }

    private URI jwksAt(String host) {
        return URI.create("http://" + host + ":" + idp.jwksUri().getPort() + "/jwks");
    }

    private JwksFetcher fetcher(String... allowedNetworks) {
        SecuritySettings settings = new SecuritySettings(
                URI.create("http://platform.test"),
                URI.create("http://platform.test/jwks"),
                "pushgate",
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                DataSize.ofKilobytes(256),
                Duration.ofSeconds(60),
                false,
                List.of(allowedNetworks));
        OutboundAddresses addresses = new OutboundAddresses(JwksFetcher.rule(settings), this::lookUp);
        return JwksFetcher.checked(settings, addresses, this::throughSwitchboard);
    }

    private InetAddress[] lookUp(String host) throws UnknownHostException {
        namesLookedUp.add(host);
        String address = names.get(host);
        if (address == null) {
            // address literals reach the look-up too; anything else would be DNS, which this test never asks
            if (host.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host + " is not one of this test's names");
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    /** Every connection is recorded with the address asked for, and made to the test issuer on loopback. */
    private HttpClient throughSwitchboard(HttpClient http) {
        InetSocketAddress loopback = new InetSocketAddress(
                InetAddress.getLoopbackAddress(), idp.jwksUri().getPort());
        return http.doOnChannelInit((observer, channel, remote) -> channel.pipeline()
                .addFirst("switchboard", new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void connect(
                            ChannelHandlerContext ctx,
                            SocketAddress asked,
                            SocketAddress local,
                            ChannelPromise promise) {
                        connectionsTried.add((InetSocketAddress) asked);
                        ctx.connect(loopback, local, promise);
                    }
                }));
    }
}
