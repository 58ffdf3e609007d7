package io.pushgate.delivery.security;

import com.nimbusds.jose.jwk.JWKSet;
import io.netty.channel.ChannelOption;
import io.pushgate.api.net.JwksAddresses;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * Fetches JWKS documents over HTTP(S): no redirects, bounded time and size, and (for tenants'
 * issuers) only from addresses that {@link OutboundAddresses} allows.
 */
final class JwksFetcher {

    private final WebClient client;
    private final OutboundAddresses addresses;
    private final Duration timeout;

    /** A fetcher for the JWKS of tenants' issuers, whose addresses are checked. */
    static JwksFetcher checked(SecuritySettings settings) {
        return new JwksFetcher(settings, new OutboundAddresses(rule(settings)), http -> http);
    }

    /** As {@link #checked(SecuritySettings)}, with {@code addresses} and the connection as a test sets them up. */
    static JwksFetcher checked(
            SecuritySettings settings, OutboundAddresses addresses, UnaryOperator<HttpClient> connection) {
        return new JwksFetcher(settings, addresses, connection);
    }

    /** The JWKS address rule of {@code settings}; an allowed network that is not one stops start-up naming it. */
    static JwksAddresses rule(SecuritySettings settings) {
        try {
            return JwksAddresses.of(settings.allowLoopbackJwks(), settings.jwksAllowedNetworks());
        } catch (IllegalArgumentException e) {
            // no cause: the launcher shows a start-up failure's root cause, and this line names the setting
            throw new IllegalStateException(
                    "pushgate.security.jwks-allowed-networks (PUSHGATE_SECURITY_JWKS_ALLOWED_NETWORKS): "
                            + e.getMessage());
        }
    }

    private static final LoopResources TENANT_JWKS_LOOP = LoopResources.create("pushgate-jwks", 1, true);

    /** A fetcher for the platform's own JWKS (the operator's configuration, not a tenant's input). */
    static JwksFetcher unchecked(SecuritySettings settings) {
        return new JwksFetcher(settings, null, http -> http);
    }

    private JwksFetcher(SecuritySettings settings, OutboundAddresses addresses, UnaryOperator<HttpClient> connection) {
        this.addresses = addresses;
        this.timeout = settings.jwksTimeout();
        HttpClient http = HttpClient.create()
                .followRedirect(false)
                .responseTimeout(settings.jwksTimeout())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        settings.jwksTimeout().toMillis());
        if (addresses != null) {
            // tenants' addresses are resolved (and checked) by a blocking look-up: on a thread of its
            // own, never on the event loops that serve callbacks, so a slow DNS server stalls nobody else
            http = http.runOn(TENANT_JWKS_LOOP).resolver(addresses.resolver());
        }
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(connection.apply(http)))
                .codecs(codecs -> codecs.defaultCodecs()
                        .maxInMemorySize((int) settings.jwksMaxSize().toBytes()))
                .build();
    }

    /** The key set at {@code uri}; fails when it cannot be fetched or read. */
    Mono<JWKSet> fetch(URI uri) {
        if (addresses != null) {
            String refusal = addresses.refusal(uri);
            if (refusal != null) {
                return Mono.error(new JwksUnavailableException(refusal));
            }
        }
        return client.get()
                .uri(uri)
                .accept(MediaType.APPLICATION_JSON, MediaType.valueOf("application/jwk-set+json"))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(timeout)
                .map(JwksFetcher::parse)
                .onErrorMap(error -> !(error instanceof JwksUnavailableException), JwksFetcher::unavailable);
    }

    private static JwksUnavailableException unavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundAddresses.AddressRefusedException refused) {
                // the guard's own reason (a name and the rule, never the document)
                return new JwksUnavailableException(refused.getMessage());
            }
        }
        return new JwksUnavailableException(
                "the JWKS could not be fetched: " + error.getClass().getSimpleName());
    }

    private static JWKSet parse(String body) {
        try {
            // public keys only: a private key in a published set is not used
            return JWKSet.parse(body).toPublicJWKSet();
        } catch (ParseException e) {
            throw new JwksUnavailableException("the JWKS is not a JSON Web Key Set");
        }
    }

    /** A JWKS could not be had, so the token cannot be verified (401); the message says why, without the document. */
    static final class JwksUnavailableException extends BadJwtException {
        private static final long serialVersionUID = 1L;

        JwksUnavailableException(String message) {
            super(message);
        }
    }
}
