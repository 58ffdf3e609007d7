package io.pushgate.delivery.security;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTParser;
import io.pushgate.delivery.configuration.ChangeKind;
import io.pushgate.delivery.configuration.TenancyChanged;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The allow-list of tenants' own identity providers ({@code tenancy.trusted_issuer}: issuer, JWKS
 * URI, audience, tenant), read per issuer and cached until a {@code trusted_issuer} change
 * notification or the TTL. A token of a listed issuer is verified against that issuer's JWKS and the
 * audience of the row its {@code aud} names; the tenant is that row's, never a claim of the token.
 * Unlisted issuers get no authentication manager at all.
 */
@Component
class TrustedIssuers {

    /** Longer {@code iss} values are not looked up. */
    private static final int MAX_ISSUER_LENGTH = 2048;

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

    record TrustedIssuer(UUID id, UUID tenantId, String issuer, String jwksUri, String audience) {}

    private final DatabaseClient database;
    private final SecuritySettings settings;
    private final JwksFetcher fetcher;
    private final AsyncCache<String, List<TrustedIssuer>> issuers;
    private final Cache<URI, JwksSource> keys;
    private final Cache<TrustedIssuer, ReactiveAuthenticationManager> managers;
    /** Every issuer some tenant trusts: a token of any other is refused without a database read. */
    private volatile Mono<Set<String>> known;

    private volatile long knownSince;

    TrustedIssuers(DatabaseClient database, SecuritySettings settings) {
        this.database = database;
        this.settings = settings;
        this.fetcher = JwksFetcher.checked(settings);
        this.issuers = Caffeine.newBuilder()
                .expireAfterWrite(settings.trustedIssuerCacheTtl())
                .maximumSize(10_000)
                .buildAsync();
        this.keys = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofHours(1))
                .maximumSize(10_000)
                .build();
        this.managers = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofHours(1))
                .maximumSize(10_000)
                .build();
    }

    /** The authentication manager for tokens of {@code issuer}, or empty when no tenant trusts it. */
    Mono<ReactiveAuthenticationManager> managerFor(String issuer) {
        if (issuer.isEmpty() || issuer.length() > MAX_ISSUER_LENGTH) {
            return Mono.empty();
        }
        return knownIssuers(false)
                .flatMap(issuers -> issuers.contains(issuer) ? Mono.just(issuers) : knownIssuers(true))
                .filter(issuers -> issuers.contains(issuer))
                .flatMap(trusted -> Mono.fromFuture(
                        issuers.get(issuer, (key, executor) -> load(key).toFuture()), true))
                .timeout(LOOKUP_TIMEOUT)
                // the allow-list cannot be read: the token cannot be accepted (401, never a 500)
                .onErrorMap(error -> new InvalidBearerTokenException("the token's issuer could not be checked"))
                .filter(rows -> !rows.isEmpty())
                .map(rows -> authentication -> authenticate(rows, authentication));
    }

    private Mono<Authentication> authenticate(List<TrustedIssuer> rows, Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return Mono.empty();
        }
        List<String> audiences;
        try {
            List<String> claimed =
                    JWTParser.parse(bearer.getToken()).getJWTClaimsSet().getAudience();
            audiences = claimed == null ? List.of() : claimed;
        } catch (ParseException e) {
            return Mono.error(new InvalidBearerTokenException("the token is not a well-formed JWT"));
        }
        // the unverified aud only picks the row; the row's decoder then verifies aud, iss and signature
        List<TrustedIssuer> matching =
                rows.stream().filter(row -> audiences.contains(row.audience())).toList();
        if (matching.isEmpty()) {
            return Mono.error(new InvalidBearerTokenException("the token's audience is not trusted for its issuer"));
        }
        if (matching.stream().map(TrustedIssuer::tenantId).distinct().count() > 1) {
            return Mono.error(new InvalidBearerTokenException("the token's audiences belong to more than one tenant"));
        }
        return managers.get(matching.get(0), this::manager).authenticate(bearer);
    }

    private ReactiveAuthenticationManager manager(TrustedIssuer row) {
        URI jwksUri;
        try {
            jwksUri = new URI(row.jwksUri());
        } catch (URISyntaxException e) {
            return authentication ->
                    Mono.error(new InvalidBearerTokenException("the trusted issuer's JWKS URI is not a URI"));
        }
        JwksSource source = keys.get(
                jwksUri, uri -> new JwksSource(uri, fetcher, settings.jwksCacheTtl(), settings.jwksRefreshInterval()));
        return TokenVerification.manager(
                source,
                TokenVerification.ASYMMETRIC,
                row.issuer(),
                row.audience(),
                settings,
                List.of(),
                jwt -> new Caller(row.tenantId(), jwt.getSubject(), row.issuer(), Caller.Source.TRUSTED_ISSUER));
    }

    @EventListener
    void changed(TenancyChanged change) {
        if (change.concerns(ChangeKind.TRUSTED_ISSUER)) {
            known = null;
            issuers.synchronous().invalidateAll();
            managers.invalidateAll();
        }
    }

    /**
     * The allow-list's issuers, read once per {@code trusted-issuer-cache-ttl} and again after each
     * change notification — or, for a token of an issuer not in it ({@code unknown}), again if it was
     * read longer than {@code jwks-refresh-interval} ago (an issuer trusted a moment ago counts at
     * once): tokens with made-up {@code iss} values cost at most one database read per interval.
     */
    private Mono<Set<String>> knownIssuers(boolean unknown) {
        Mono<Set<String>> current = known;
        boolean stale = unknown
                && System.nanoTime() - knownSince
                        >= settings.jwksRefreshInterval().toNanos();
        if (current == null || stale) {
            knownSince = System.nanoTime();
            current = database.sql("SELECT DISTINCT issuer FROM tenancy.trusted_issuer")
                    .map((row, metadata) -> row.get("issuer", String.class))
                    .all()
                    .collect(Collectors.toUnmodifiableSet())
                    .cache(loaded -> settings.trustedIssuerCacheTtl(), error -> Duration.ZERO, () -> Duration.ZERO);
            known = current;
        }
        return current;
    }

    private Mono<List<TrustedIssuer>> load(String issuer) {
        return database.sql("""
                        SELECT id, tenant_id, issuer, jwks_uri, audience
                        FROM tenancy.trusted_issuer WHERE issuer = $1""")
                .bind(0, issuer)
                .map((row, metadata) -> new TrustedIssuer(
                        row.get("id", UUID.class),
                        row.get("tenant_id", UUID.class),
                        row.get("issuer", String.class),
                        row.get("jwks_uri", String.class),
                        row.get("audience", String.class)))
                .all()
                .collectList();
    }
}
