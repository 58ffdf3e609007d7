package io.pushgate.delivery.security;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where delivery-service may fetch a tenant's JWKS from: {@code http} or {@code https} only, never
 * a link-local address (cloud metadata at 169.254.169.254 and fe80::/10), a wildcard, multicast or a
 * known metadata address, and a loopback address only when allowed. Names are checked as they are
 * resolved for the connection itself, so a name cannot resolve to one address for the check and to
 * another for the fetch.
 */
final class OutboundAddresses {

    private static final List<String> METADATA = List.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254");

    private final boolean allowLoopback;

    OutboundAddresses(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Why {@code uri} may not be fetched, or {@code null} when its scheme and literal address may be. */
    String refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https JWKS URIs are fetched";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "the JWKS URI has no host";
        }
        if (uri.getUserInfo() != null) {
            return "the JWKS URI must not carry credentials";
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (isIpLiteral(host)) {
            try {
                return allows(InetAddress.getByName(host)) ? null : "the JWKS URI's address is not allowed";
            } catch (UnknownHostException e) {
                return "the JWKS URI's address is not valid";
            }
        }
        return null;
    }

    /** Whether a connection to {@code address} is allowed. */
    boolean allows(InetAddress address) {
        if (address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || METADATA.contains(address.getHostAddress())) {
            return false;
        }
        return allowLoopback || !address.isLoopbackAddress();
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /** A resolver for the JWKS client that refuses names resolving to a refused address. */
    AddressResolverGroup<InetSocketAddress> resolver() {
        return new AddressResolverGroup<>() {
            @Override
            protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
                return new CheckingResolver(executor).asAddressResolver();
            }
        };
    }

    private final class CheckingResolver extends InetNameResolver {

        CheckingResolver(EventExecutor executor) {
            super(executor);
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            try {
                promise.setSuccess(checked(host).get(0));
            } catch (UnknownHostException e) {
                promise.setFailure(e);
            }
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            try {
                promise.setSuccess(checked(host));
            } catch (UnknownHostException e) {
                promise.setFailure(e);
            }
        }

        private List<InetAddress> checked(String host) throws UnknownHostException {
            List<InetAddress> addresses = Arrays.asList(InetAddress.getAllByName(host));
            if (addresses.isEmpty() || !addresses.stream().allMatch(OutboundAddresses.this::allows)) {
                throw new UnknownHostException(host + " resolves to an address that is not allowed");
            }
            return addresses;
        }
    }
}
