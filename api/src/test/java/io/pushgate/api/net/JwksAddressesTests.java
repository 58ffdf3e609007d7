package io.pushgate.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JWKS address rule both services apply; no test here resolves a name or opens a connection. */
class JwksAddressesTests {

    private static final JwksAddresses STRICT = JwksAddresses.of(false, List.of());
    private static final JwksAddresses EVERYTHING_ALLOWED = JwksAddresses.of(true, JwksAddresses.PRIVATE_NETWORKS);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://10.0.0.1/jwks",
                "http://10.255.255.255/jwks",
                "http://172.16.0.1/jwks",
                "http://172.31.255.254/jwks",
                "http://192.168.1.1/jwks",
                "http://100.64.0.1/jwks",
                "http://100.127.255.254/jwks",
                "http://[fc00::1]/jwks",
                "http://[fd12:3456::1]/jwks",
                "http://[fec0::1]/jwks",
                "http://[::ffff:10.1.2.3]/jwks", // IPv4-mapped
                "http://[::10.1.2.3]/jwks", // IPv4-compatible
                "http://[64:ff9b::a01:203]/jwks", // NAT64 of 10.1.2.3
            })
    void refusesPrivateNetworksUnlessAllowed(String uri) {
        assertThat(STRICT.refusal(URI.create(uri)))
                .as(uri)
                .hasValueSatisfying(reason -> assertThat(reason).contains("pushgate.security.jwks-allowed-networks"));
        assertThat(EVERYTHING_ALLOWED.refusal(URI.create(uri))).as(uri).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://idp.example.com/jwks",
                "http://172.15.255.255/jwks",
                "http://172.32.0.0/jwks",
                "http://100.63.255.255/jwks",
                "http://100.128.0.0/jwks",
                "http://192.169.0.1/jwks",
                "http://11.0.0.1/jwks",
                "http://[2001:db8::1]/jwks",
                "http://[fe00::1]/jwks",
            })
    void publicAddressesAndNamesAreFetched(String uri) {
        assertThat(STRICT.refusal(URI.create(uri))).as(uri).isEmpty();
    }

    @Test
    void anAllowedNetworkAllowsOnlyWhatItHolds() {
        JwksAddresses tenOnly = JwksAddresses.of(false, List.of("10.20.0.0/16", " ", "fd00:1::7"));
        assertThat(tenOnly.refusal(URI.create("http://10.20.3.4/jwks"))).isEmpty();
        assertThat(tenOnly.refusal(URI.create("http://10.21.3.4/jwks"))).isPresent();
        assertThat(tenOnly.refusal(URI.create("http://[fd00:1::7]/jwks"))).isEmpty();
        assertThat(tenOnly.refusal(URI.create("http://[fd00:1::8]/jwks"))).isPresent();
        assertThat(tenOnly.allowedNetworks()).containsExactly("10.20.0.0/16", "fd00:1::7");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/",
                "http://[fe80::1]/jwks",
                "http://[fd00:ec2::254]/jwks",
                "http://100.100.100.200/jwks",
                "http://0.0.0.0/jwks",
                "http://0.1.2.3/jwks",
                "http://[::]/jwks",
                "http://[::ffff:169.254.169.254]/jwks",
                "http://224.0.0.1/jwks",
                "http://[ff02::1]/jwks",
            })
    void neverLinkLocalMetadataWildcardOrMulticastWhateverIsAllowed(String uri) {
        JwksAddresses all = JwksAddresses.of(true, List.of("0.0.0.0/0", "::/0"));
        assertThat(all.refusal(URI.create(uri))).as(uri).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/jwks",
                "http://127.9.9.9/jwks",
                "http://[::1]:8080/jwks",
                "http://localhost:8080/jwks",
                "http://LOCALHOST./jwks",
                "http://idp.localhost/jwks",
                "http://[::ffff:127.0.0.1]/jwks",
            })
    void loopbackOnlyWhenAllowed(String uri) {
        assertThat(STRICT.refusal(URI.create(uri))).as(uri).isPresent();
        assertThat(JwksAddresses.of(false, List.of("127.0.0.0/8", "::1")).refusal(URI.create(uri)))
                .as("an allowed network does not allow loopback: " + uri)
                .isPresent();
        assertThat(JwksAddresses.of(true, List.of()).refusal(URI.create(uri)))
                .as(uri)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://idp.example.com/jwks",
                "jar:http://idp.example.com/x!/y",
                "https://user:pw@idp.example.com/jwks",
                "http://127.1/jwks", // shorthands are refused, never guessed at
                "http://2130706433/jwks",
                "http://0177.0.0.1/jwks",
                "http://999.1.1.1/jwks",
                "/jwks",
            })
    void refusesOtherSchemesCredentialsAndShorthandAddresses(String uri) {
        assertThat(EVERYTHING_ALLOWED.refusal(URI.create(uri))).as(uri).isPresent();
    }

    @Test
    void aBadAllowedNetworkIsNamed() {
        assertThatThrownBy(() -> JwksAddresses.of(false, List.of("10.0.0.0/8", "intranet")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'intranet'");
    }
}
