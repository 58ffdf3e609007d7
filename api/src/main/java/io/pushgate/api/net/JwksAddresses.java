package io.pushgate.api.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a trusted issuer's JWKS may be fetched from: one rule for tenant-service, which refuses an
 * issuer at registration, and delivery-service, which applies it again to every address it connects
 * to (a name may resolve elsewhere later). Settings {@code pushgate.security.allow-loopback-jwks} and
 * {@code pushgate.security.jwks-allowed-networks}, the same in both services.
 *
 * <ul>
 *   <li>{@code http} or {@code https}, with a host and without credentials;
 *   <li>never a link-local address (cloud metadata at 169.254.169.254, fe80::/10), a wildcard
 *       ({@code 0.0.0.0/8}, {@code ::}), multicast, or a known metadata address — whatever the
 *       settings say;
 *   <li>a loopback address (and the names {@code localhost}, {@code *.localhost}, RFC 6761) only when
 *       loopback is allowed;
 *   <li>a private address (10/8, 172.16/12, 192.168/16, the carrier-grade NAT range 100.64/10,
 *       unique-local fc00::/7 and the old site-local fec0::/10) only when one of the allowed networks
 *       holds it.
 * </ul>
 *
 * An IPv4 address written as IPv6 (mapped {@code ::ffff:a.b.c.d}, compatible {@code ::a.b.c.d}, or
 * behind the NAT64 prefix {@code 64:ff9b::/96}) is judged as the IPv4 address. Names other than
 * {@code localhost} are never looked up here: the connection's resolver checks what they resolve to.
 */
public final class JwksAddresses {

    /** The networks refused unless allowed: RFC 1918, RFC 6598 (CGNAT), RFC 4193, RFC 3879. */
    public static final List<String> PRIVATE_NETWORKS =
            List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10");

    private static final List<AddressRange> PRIVATE =
            PRIVATE_NETWORKS.stream().map(AddressRange::parse).toList();
    private static final List<AddressRange> NEVER = List.of(
            AddressRange.parse("0.0.0.0/8"),
            AddressRange.parse("100.100.100.200"),
            AddressRange.parse("fd00:ec2::254"));
    private static final String LOOPBACK_REFUSED =
            "the JWKS URI's address is loopback, which pushgate.security.allow-loopback-jwks does not allow";
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
    private static final AddressRange COMPATIBLE = AddressRange.parse("::/96");

    private final boolean allowLoopback;
    private final List<AddressRange> allowedNetworks;
    private final List<String> entries;

    private JwksAddresses(boolean allowLoopback, List<AddressRange> allowedNetworks, List<String> entries) {
        this.allowLoopback = allowLoopback;
        this.allowedNetworks = allowedNetworks;
        this.entries = entries;
    }

    /**
     * The rule with loopback allowed or not, and private addresses allowed in {@code allowedNetworks}
     * (addresses and CIDR ranges, IPv4 and IPv6; blank entries skipped). An allowed network never
     * allows a link-local, wildcard, multicast, metadata or (unless allowed) loopback address.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address or a range
     */
    public static JwksAddresses of(boolean allowLoopback, Collection<String> allowedNetworks) {
        List<AddressRange> ranges = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String entry : allowedNetworks == null ? List.<String>of() : allowedNetworks) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            ranges.add(AddressRange.parse(entry.trim()));
            kept.add(entry.trim());
        }
        return new JwksAddresses(allowLoopback, List.copyOf(ranges), List.copyOf(kept));
    }

    /**
     * Why the JWKS at {@code uri} may not be fetched, or empty when its scheme, host and (for an
     * address literal or {@code localhost}) its address may be. A name is judged again where it is
     * resolved, by {@link #allows(InetAddress)}.
     */
    public Optional<String> refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https JWKS URIs are fetched");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("the JWKS URI has no host");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("the JWKS URI must not carry credentials");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return allowLoopback ? Optional.empty() : Optional.of(LOOPBACK_REFUSED);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            // an address literal is read strictly, never looked up: a shorthand some resolvers accept
            // (127.1, 2130706433, 0177.0.0.1, a zone id) is refused rather than guessed at
            Optional<InetAddress> address = TrustedProxies.literal(host);
            if (address.isEmpty()) {
                return Optional.of("the JWKS URI's address is not valid");
            }
            return reason(address.get());
        }
        return Optional.empty();
    }

    /** Whether a connection to {@code address} is allowed. */
    public boolean allows(InetAddress address) {
        return reason(address).isEmpty();
    }

    /** Whether {@code address} is on one of the {@link #PRIVATE_NETWORKS} (an IPv4 address inside IPv6 included). */
    public static boolean isPrivate(InetAddress address) {
        InetAddress ipv4 = embeddedIpv4(address);
        return PRIVATE.stream().anyMatch(range -> range.contains(ipv4));
    }

    /** The allowed networks as configured (blank entries left out). */
    public List<String> allowedNetworks() {
        return entries;
    }

    /** Whether loopback addresses are allowed. */
    public boolean allowsLoopback() {
        return allowLoopback;
    }

    private Optional<String> reason(InetAddress given) {
        InetAddress address = embeddedIpv4(given);
        if (address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || NEVER.stream().anyMatch(range -> range.contains(address))) {
            return Optional.of("the JWKS URI's address is not allowed");
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty() : Optional.of(LOOPBACK_REFUSED);
        }
        if (isPrivate(address) && allowedNetworks.stream().noneMatch(range -> range.contains(address))) {
            return Optional.of("the JWKS URI's address is on a private network that"
                    + " pushgate.security.jwks-allowed-networks does not name");
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address carries (IPv4-compatible or NAT64), else the address itself. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16 || !(COMPATIBLE.contains(bytes) || NAT64.contains(bytes))) {
            return address;
        }
        if (COMPATIBLE.contains(bytes)
                && bytes[12] == 0
                && bytes[13] == 0
                && bytes[14] == 0
                && (bytes[15] & 0xFE) == 0) {
            return address; // :: and ::1 are IPv6's own wildcard and loopback
        }
        byte[] ipv4 = {bytes[12], bytes[13], bytes[14], bytes[15]};
        try {
            return InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException e) {
            return address; // four bytes are always an address
        }
    }
}
