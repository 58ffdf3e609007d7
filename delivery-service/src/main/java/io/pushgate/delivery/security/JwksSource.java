package io.pushgate.delivery.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The keys of one JWKS URI, fetched once and reused for {@code jwks-cache-ttl}; a token signed with
 * a {@code kid} the cached set lacks fetches it again (key rotation), at most once per {@code
 * jwks-refresh-interval}. Concurrent requests share one fetch. When a fetch fails, the keys fetched
 * before stay in use, and the next attempt waits for the refresh interval too.
 */
final class JwksSource {

    private static final Logger log = LoggerFactory.getLogger(JwksSource.class);

    private record Snapshot(JWKSet keys, long fetchedAt) {}

    private final URI uri;
    private final JwksFetcher fetcher;
    private final long ttlNanos;
    private final long refreshIntervalNanos;
    private volatile Snapshot snapshot;
    private volatile long failedAt;
    private volatile boolean failed;
    private Mono<Snapshot> inFlight;

    JwksSource(URI uri, JwksFetcher fetcher, Duration ttl, Duration refreshInterval) {
        this.uri = uri;
        this.fetcher = fetcher;
        this.ttlNanos = ttl.toNanos();
        this.refreshIntervalNanos = refreshInterval.toNanos();
    }

    /** The candidate keys for {@code jwt}: those with its {@code kid}, or all when it names none. */
    Flux<JWK> keysFor(SignedJWT jwt) {
        String kid = jwt.getHeader().getKeyID();
        return current(false).flatMapMany(found -> {
            if (kid == null || found.keys().getKeyByKeyId(kid) != null) {
                return select(found.keys(), kid);
            }
            return current(true).flatMapMany(again -> select(again.keys(), kid));
        });
    }

    private static Flux<JWK> select(JWKSet keys, String kid) {
        if (kid == null) {
            return Flux.fromIterable(keys.getKeys());
        }
        JWK key = keys.getKeyByKeyId(kid);
        return key == null ? Flux.empty() : Flux.just(key);
    }

    private Mono<Snapshot> current(boolean unknownKid) {
        Snapshot known = snapshot;
        long now = System.nanoTime();
        if (known != null) {
            long age = now - known.fetchedAt();
            boolean fresh = age < ttlNanos;
            if (fresh && (!unknownKid || age < refreshIntervalNanos)) {
                return Mono.just(known);
            }
        }
        if (failed && now - failedAt < refreshIntervalNanos) {
            // a fetch just failed: do not hammer the issuer, keep what we have
            return known != null
                    ? Mono.just(known)
                    : Mono.error(new JwksFetcher.JwksUnavailableException("the JWKS could not be fetched lately"));
        }
        return refresh().onErrorResume(error -> {
            Snapshot stale = snapshot;
            log.warn("JWKS {} not refreshed: {}", uri, error.getMessage());
            return stale == null ? Mono.error(error) : Mono.just(stale);
        });
    }

    private synchronized Mono<Snapshot> refresh() {
        if (inFlight == null) {
            inFlight = fetcher.fetch(uri)
                    .map(keys -> new Snapshot(keys, System.nanoTime()))
                    // the fetch is over before anyone hears of it: a caller woken by this answer that
                    // asks again (a key rotated meanwhile) must start a new fetch, not get this one
                    .doOnSuccess(fetched -> {
                        if (fetched != null) {
                            snapshot = fetched;
                            failed = false;
                        }
                        done();
                    })
                    .doOnError(error -> {
                        failedAt = System.nanoTime();
                        failed = true;
                        done();
                    })
                    .doOnCancel(this::done)
                    .cache();
        }
        return inFlight;
    }

    private synchronized void done() {
        inFlight = null;
    }
}
