package io.pushgate.api.net;

import java.net.InetAddress;

/** An address and the number of its leading bits that must match: {@code 10.0.0.0/8}, {@code fc00::/7}, {@code ::1}. */
record AddressRange(byte[] network, int prefix) {

    static AddressRange parse(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = TrustedProxies.literal(address)
                .map(InetAddress::getAddress)
                .orElseThrow(() -> new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range"));
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = entry.substring(slash + 1);
            if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            prefix = Integer.parseInt(length);
            if (prefix > bits) {
                throw new IllegalArgumentException(
                        "'" + entry + "' is not a CIDR range: the prefix length is at most " + bits);
            }
        }
        if (hasHostBits(network, prefix)) {
            throw new IllegalArgumentException("'" + entry + "' has bits set beyond its /" + prefix
                    + " prefix (a range starts at its network address)");
        }
        return new AddressRange(network, prefix);
    }

    private static boolean hasHostBits(byte[] address, int prefix) {
        for (int bit = prefix; bit < address.length * 8; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return true;
            }
        }
        return false;
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }
}
