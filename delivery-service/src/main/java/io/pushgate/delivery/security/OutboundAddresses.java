package io.pushgate.delivery.security;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.pushgate.api.net.JwksAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Where delivery-service may fetch a tenant's JWKS from: {@link JwksAddresses}, the rule
 * tenant-service applies when the issuer is registered, checked here on the URI and again on every
 * address a name resolves to, as it is resolved for the connection itself — so a name cannot
 * resolve to one address for the check and to another for the fetch.
 */
final class OutboundAddresses {

    /** How a name becomes addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    private final JwksAddresses rule;
    private final Lookup lookup;

    OutboundAddresses(JwksAddresses rule) {
        this(rule, InetAddress::getAllByName);
    }

    OutboundAddresses(JwksAddresses rule, Lookup lookup) {
        this.rule = rule;
        this.lookup = lookup;
    }

    /** Why {@code uri} may not be fetched, or {@code null} when its scheme and literal address may be. */
    String refusal(URI uri) {
        return rule.refusal(uri).orElse(null);
    }

    /** Whether a connection to {@code address} is allowed. */
    boolean allows(InetAddress address) {
        return rule.allows(address);
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

    /** A name resolved to an address the rule refuses: no connection is tried. */
    static final class AddressRefusedException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        AddressRefusedException(String message) {
            super(message);
        }
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
            List<InetAddress> addresses = Arrays.asList(lookup.addresses(host));
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host);
            }
            // every address, not only the first: a client may try the next when one fails
            for (InetAddress address : addresses) {
                if (!rule.allows(address)) {
                    throw new AddressRefusedException(host + " resolves to an address that is not allowed"
                            + (JwksAddresses.isPrivate(address)
                                    ? " (a private network that pushgate.security.jwks-allowed-networks does not name)"
                                    : ""));
                }
            }
            return addresses;
        }
    }
}
