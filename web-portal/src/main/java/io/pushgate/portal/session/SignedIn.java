package io.pushgate.portal.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A signed-in browser's platform tokens, kept in its server-side session and never sent to it. The
 * access token is refreshed (with the refresh token, when tenant-service gave one) shortly before it
 * expires; concurrent requests of one session share one refresh, so a refresh token is never spent
 * twice by the portal itself. Without a refresh token the session ends with the access token.
 */
public final class SignedIn {

    /** The session attribute that holds it. */
    public static final String ATTRIBUTE = SignedIn.class.getName();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One issued pair; {@code refreshToken} is null when tenant-service issues none. */
    public record Tokens(String accessToken, String refreshToken, Instant accessExpiresAt) {
        @Override
        public String toString() {
            return "Tokens[accessExpiresAt=" + accessExpiresAt + ", refreshable=" + (refreshToken != null) + "]";
        }
    }

    private final Instant signedInAt;
    private final String email;
    private Tokens tokens;
    private Member member;
    private Mono<Tokens> refreshing;

    public SignedIn(String email, Tokens tokens, Instant now) {
        this.email = email;
        this.signedInAt = now;
        this.tokens = tokens;
        this.member = memberOf(tokens.accessToken(), email);
    }

    public Instant signedInAt() {
        return signedInAt;
    }

    public synchronized Member member() {
        return member;
    }

    /** The refresh token to revoke at sign-out, or null. */
    public synchronized String refreshToken() {
        return tokens.refreshToken();
    }

    /**
     * A usable access token: the current one while it has more than {@code ahead} left, else a new one
     * from {@code refresh} (one refresh at a time per session), else the current one while it has
     * not expired; {@link SessionEnded} when none is left.
     */
    public Mono<String> accessToken(Instant now, Duration ahead, Function<String, Mono<Tokens>> refresh) {
        Tokens current;
        synchronized (this) {
            current = tokens;
        }
        if (current.accessExpiresAt().minus(ahead).isAfter(now)) {
            return Mono.just(current.accessToken());
        }
        if (current.refreshToken() == null) {
            return current.accessExpiresAt().isAfter(now)
                    ? Mono.just(current.accessToken())
                    : Mono.error(new SessionEnded("the access token expired and there is no refresh token"));
        }
        return refreshed(current, refresh).map(Tokens::accessToken);
    }

    /**
     * New tokens after the backend refused {@code rejected} (401): a refresh when there is a refresh
     * token and nobody refreshed since, else {@link SessionEnded}.
     */
    public Mono<String> afterRejection(String rejected, Function<String, Mono<Tokens>> refresh) {
        Tokens current;
        synchronized (this) {
            current = tokens;
        }
        if (!current.accessToken().equals(rejected)) {
            return Mono.just(current.accessToken()); // refreshed meanwhile
        }
        if (current.refreshToken() == null) {
            return Mono.error(new SessionEnded("the platform no longer accepts the access token"));
        }
        return refreshed(current, refresh).map(Tokens::accessToken);
    }

    private Mono<Tokens> refreshed(Tokens stale, Function<String, Mono<Tokens>> refresh) {
        synchronized (this) {
            if (tokens != stale) {
                return Mono.just(tokens);
            }
            if (refreshing == null) {
                refreshing = refresh.apply(stale.refreshToken())
                        .doOnNext(this::replace)
                        .doFinally(signal -> clearRefreshing())
                        .cache();
            }
            return refreshing;
        }
    }

    private synchronized void replace(Tokens fresh) {
        tokens = fresh;
        member = memberOf(fresh.accessToken(), email);
    }

    private synchronized void clearRefreshing() {
        refreshing = null;
    }

    /** The member an admin token names (its claims; the token came straight from tenant-service). */
    static Member memberOf(String accessToken, String email) {
        String[] parts = accessToken.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT");
        }
        JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        return new Member(
                UUID.fromString(claims.path("tenant_id").asString()),
                claims.hasNonNull("member_id")
                        ? UUID.fromString(claims.get("member_id").asString())
                        : null,
                email,
                claims.path("role").asString("viewer"));
    }

    @Override
    public String toString() {
        return "SignedIn[" + member + "]";
    }
}
