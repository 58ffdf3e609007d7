package io.pushgate.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTests {

    static final TrustedProxies LOOPBACK = TrustedProxies.of(List.of("127.0.0.0/8", "::1"));
    static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"));

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0, true",
        "10.255.255.255, true",
        "11.0.0.0, false",
        "9.255.255.255, false",
        "192.168.1.7, true",
        "192.168.1.8, false",
        "192.168.1.6, false",
        "fd00::1, true",
        "fdff:ffff::1, true",
        "fe00::1, false",
        "fc00::1, false",
        "::1, true",
        "::2, false",
        "::ffff:10.1.2.3, true", // an IPv4-mapped IPv6 address is the IPv4 address
    })
    void matchesAddressesAndRangesOfBothFamilies(String address, boolean trusted) {
        assertThat(PROXIES.trusts(address(address))).isEqualTo(trusted);
    }

    @Test
    void aPrefixThatIsNotAWholeByteComparesOnlyItsBits() {
        TrustedProxies ranges = TrustedProxies.of(List.of("172.16.0.0/12", "2001:db8:80::/41"));
        assertThat(ranges.trusts(address("172.16.0.1"))).isTrue();
        assertThat(ranges.trusts(address("172.31.255.255"))).isTrue();
        assertThat(ranges.trusts(address("172.32.0.0"))).isFalse();
        assertThat(ranges.trusts(address("172.15.255.255"))).isFalse();
        assertThat(ranges.trusts(address("2001:db8:80::1"))).isTrue();
        assertThat(ranges.trusts(address("2001:db8:ff::1"))).isTrue();
        assertThat(ranges.trusts(address("2001:db8:7f::1"))).isFalse();
    }

    @Test
    void zeroPrefixTrustsAWholeFamilyAndOnlyIt() {
        TrustedProxies everyV4 = TrustedProxies.of(List.of("0.0.0.0/0"));
        assertThat(everyV4.trusts(address("203.0.113.9"))).isTrue();
        assertThat(everyV4.trusts(address("2001:db8::9"))).isFalse();
    }

    @Test
    void nothingIsTrustedByAnEmptyList() {
        TrustedProxies none = TrustedProxies.of(List.of("", " "));
        assertThat(none.entries()).isEmpty();
        assertThat(none.trusts(address("127.0.0.1"))).isFalse();
        assertThat(none.client(address("127.0.0.1"), List.of("203.0.113.9"))).isEqualTo(address("127.0.0.1"));
        assertThat(TrustedProxies.NONE.client(address("10.0.0.1"), List.of("203.0.113.9")))
                .isEqualTo(address("10.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/33",
                "::/129",
                "10.0.0.0/",
                "10.0.0.0/-1",
                "10.0.0.0/8/8",
                "10.0.0",
                "10.0.0.256",
                "010.0.0.1",
                "10.0.0.0/8 extra",
                "localhost",
                "proxy.example.test",
                "fe80::1%eth0",
                "[::1]",
                "1:2:3:4:5:6:7:8:9",
                "10.1.2.3/8",
                "fd00::1/8"
            })
    void refusesAnEntryThatIsNotAnAddressOrARangeNamingIt(String entry) {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("127.0.0.0/8", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + entry + "'");
    }

    @Test
    void fromAnUntrustedPeerTheHeaderIsIgnored() {
        assertThat(PROXIES.client(address("203.0.113.50"), List.of("198.51.100.1")))
                .isEqualTo(address("203.0.113.50"));
    }

    @Test
    void fromATrustedPeerTheForwardedClientIsBelieved() {
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("198.51.100.1"))).isEqualTo(address("198.51.100.1"));
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("2001:db8::77"))).isEqualTo(address("2001:db8::77"));
    }

    /** A client that sends the header itself only adds to its left: the right-most untrusted address is its own. */
    @Test
    void aSpoofedChainYieldsTheRightMostUntrustedAddress() {
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("1.1.1.1, 198.51.100.1")))
                .isEqualTo(address("198.51.100.1"));
        // trusted hops on the right are skipped
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("1.1.1.1, 198.51.100.1, 10.9.9.9, 192.168.1.7")))
                .isEqualTo(address("198.51.100.1"));
        // the lines of a header sent several times are one list, in order
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("1.1.1.1, 198.51.100.1", "10.9.9.9")))
                .isEqualTo(address("198.51.100.1"));
    }

    @Test
    void aChainOfTrustedProxiesOnlyEndsAtItsLeftMostHop() {
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("10.0.0.3, 10.0.0.2")))
                .isEqualTo(address("10.0.0.3"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                ",",
                "unknown",
                "_hidden",
                "proxy.example.test",
                "localhost",
                "198.51.100.256",
                "198.51.100",
                "198.51.100.1.5",
                "0198.51.100.1",
                "198.51.100.1:",
                "198.51.100.1:99999",
                "198.51.100.1:port",
                "[2001:db8::1",
                "[2001:db8::1]x",
                "2001:db8::1::2",
                "2001:db8::g",
                "fe80::1%25eth0",
                "198.51.100.1, junk",
                "for=198.51.100.1",
                "\"198.51.100.1\"",
            })
    void aMalformedValueIsIgnored(String header) {
        assertThat(PROXIES.client(address("10.0.0.1"), List.of(header))).isEqualTo(address("10.0.0.1"));
    }

    @Test
    void aMalformedValueEndsTheWalkAtTheLastAddressBelieved() {
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("junk, 198.51.100.1")))
                .isEqualTo(address("198.51.100.1"));
        assertThat(PROXIES.client(address("10.0.0.1"), List.of("198.51.100.1, junk, 10.0.0.2")))
                .isEqualTo(address("10.0.0.2"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "198.51.100.1:51234|198.51.100.1",
                "[2001:db8::1]:443|2001:db8::1",
                "[2001:db8::1]|2001:db8::1",
                "  198.51.100.1  |198.51.100.1",
                "2001:DB8::1|2001:db8::1",
                "::ffff:198.51.100.1|198.51.100.1"
            })
    void portsBracketsAndSpacesAroundAnAddressAreRead(String header, String client) {
        assertThat(LOOPBACK.client(address("127.0.0.1"), List.of(header))).isEqualTo(address(client));
    }

    @Test
    void aHugeHeaderIsWalkedWithoutFailing() {
        String[] hops = new String[2000];
        Arrays.fill(hops, "10.1.1.1");
        hops[0] = "198.51.100.1";
        assertThat(PROXIES.client(address("10.0.0.1"), List.of(String.join(",", hops))))
                .isEqualTo(address("198.51.100.1"));
    }

    private static InetAddress address(String literal) {
        return TrustedProxies.literal(literal).orElseThrow(() -> new AssertionError(literal + " is no literal"));
    }
}
