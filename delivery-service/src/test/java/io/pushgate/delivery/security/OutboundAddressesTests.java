package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.net.JwksAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundAddressesTests {

    private final OutboundAddresses strict = new OutboundAddresses(JwksAddresses.of(false, List.of()));
    private final OutboundAddresses loopbackAllowed = new OutboundAddresses(JwksAddresses.of(true, List.of()));

    @Test
    void fetchesOnlyHttpAndHttpsWithoutCredentials() {
        assertThat(strict.refusal(URI.create("https://idp.example.com/.well-known/jwks.json")))
                .isNull();
        assertThat(strict.refusal(URI.create("http://idp.example.com/jwks"))).isNull();
        assertThat(strict.refusal(URI.create("file:///etc/passwd"))).isNotNull();
        assertThat(strict.refusal(URI.create("ftp://idp.example.com/jwks"))).isNotNull();
        assertThat(strict.refusal(URI.create("jar:http://idp.example.com/x!/y")))
                .isNotNull();
        assertThat(strict.refusal(URI.create("https://user:pw@idp.example.com/jwks")))
                .isNotNull();
    }

    @Test
    void neverFetchesFromMetadataLinkLocalOrWildcardAddresses() {
        for (String uri : new String[] {
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/jwks",
            "http://[fd00:ec2::254]/jwks",
            "http://100.100.100.200/jwks",
            "http://0.0.0.0/jwks",
            "http://[::ffff:169.254.169.254]/jwks",
            "http://224.0.0.1/jwks"
        }) {
            assertThat(loopbackAllowed.refusal(URI.create(uri))).as(uri).isNotNull();
        }
    }

    @Test
    void loopbackOnlyWhenAllowed() throws UnknownHostException {
        assertThat(strict.refusal(URI.create("http://127.0.0.1:8080/jwks"))).isNotNull();
        assertThat(strict.refusal(URI.create("http://[::1]:8080/jwks"))).isNotNull();
        assertThat(loopbackAllowed.refusal(URI.create("http://127.0.0.1:8080/jwks")))
                .isNull();
        assertThat(strict.allows(InetAddress.getByName("localhost"))).isFalse();
        assertThat(strict.allows(InetAddress.getByName("10.1.2.3"))).isFalse();
        assertThat(strict.allows(InetAddress.getByName("203.0.113.7"))).isTrue();
    }
}
