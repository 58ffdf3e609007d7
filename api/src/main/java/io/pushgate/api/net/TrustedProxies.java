package io.pushgate.api.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The proxies whose {@code X-Forwarded-For} a service believes: addresses and CIDR ranges, IPv4 and
 * IPv6. {@link #client} finds the client of a request the standard way: when the peer is a trusted
 * proxy, walk {@code X-Forwarded-For} from the right, skipping trusted proxies; the first address
 * that is not one is the client. Only what the trusted hops wrote is believed, so a client cannot
 * choose its address by sending the header itself.
 *
 * <p>Addresses are read as literals only, never looked up in DNS; a value that is not an address
 * (a name, {@code unknown}, an obfuscated RFC 7239 identifier, garbage) ends the walk at the last
 * address believed.
 */
public final class TrustedProxies {

    /** Trusts no proxy: every request's client is its peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<AddressRange> ranges;
    private final List<String> entries;

    private TrustedProxies(List<AddressRange> ranges, List<String> entries) {
        this.ranges = ranges;
        this.entries = entries;
    }

    /**
     * The proxies of {@code entries}, each an address ({@code 10.1.2.3}, {@code ::1}) or a CIDR range
     * ({@code 10.0.0.0/8}, {@code fd00::/8}); blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the first entry that is neither, or a range with bits
     *     set beyond its prefix
     */
    public static TrustedProxies of(Collection<String> entries) {
        List<AddressRange> ranges = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            ranges.add(AddressRange.parse(entry.trim()));
            kept.add(entry.trim());
        }
        return new TrustedProxies(List.copyOf(ranges), List.copyOf(kept));
    }

    /** Whether {@code address} is one of the trusted proxies. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (AddressRange range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of a request from {@code peer} that carried {@code forwardedFor} (the values of
     * every {@code X-Forwarded-For} line, in order): {@code peer} itself unless it is a trusted proxy;
     * otherwise the right-most address of the header that is not a trusted proxy. Where the walk meets
     * a value that is not an address, or runs out of values, the last address it believed is the
     * client.
     */
    public InetAddress client(InetAddress peer, List<String> forwardedFor) {
        if (!trusts(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String hop : line.split(",", -1)) {
                hops.add(hop);
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = forwardedHop(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
            if (!trusts(client)) {
                break;
            }
        }
        return client;
    }

    /** The entries as configured (blank ones left out). */
    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }

    /**
     * One hop of {@code X-Forwarded-For}: an address, optionally with a port as proxies such as
     * Azure's write it ({@code 203.0.113.7:51234}, {@code [2001:db8::7]:51234}, {@code [2001:db8::7]}).
     */
    static Optional<InetAddress> forwardedHop(String text) {
        String hop = text.trim();
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            if (close < 0 || !(close == hop.length() - 1 || isPort(hop.substring(close + 1)))) {
                return Optional.empty();
            }
            return ipv6(hop.substring(1, close));
        }
        int colon = hop.indexOf(':');
        if (colon >= 0 && colon == hop.lastIndexOf(':')) {
            // exactly one colon: IPv4 with a port
            return isPort(hop.substring(colon)) ? ipv4(hop.substring(0, colon)) : Optional.empty();
        }
        return literal(hop);
    }

    /** {@code text} as an IPv4 or IPv6 address literal (no brackets, no port, no zone); never a DNS look-up. */
    public static Optional<InetAddress> literal(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
    }

    private static boolean isPort(String text) {
        // ":" followed by 1 to 5 digits
        if (text.length() < 2 || text.length() > 6 || text.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(text.substring(1)) <= 65535;
    }

    /** Four decimal parts 0-255 without leading zeros (which some parsers read as octal). */
    private static Optional<InetAddress> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return Optional.empty();
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes);
    }

    private static Optional<InetAddress> ipv6(String text) {
        if (text.length() > 45 || text.indexOf(':') < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!allowed) {
                return Optional.empty();
            }
        }
        try {
            // a text with a colon is parsed as an IPv6 literal and refused if it is not one: no look-up
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> byAddress(byte[] bytes) {
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong length, which cannot happen here
        }
    }
}
