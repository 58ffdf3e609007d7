package io.pushgate.tenant.identity;

import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.Randoms;
import io.pushgate.tenant.token.TokenSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Members' refresh tokens, rotated on every use. A sign-in starts a family; a refresh spends its
 * token and answers the next one of the same family. A spent token presented again (a stolen copy,
 * or the victim after the thief) revokes the whole family, the newer tokens too. A token stops
 * refreshing {@link TokenSettings#refreshTokenIdleTimeout()} after it was issued, and every token of
 * a family {@link TokenSettings#refreshTokenMaxLifetime()} after its sign-in. Tokens are 256 random
 * bits; only their SHA-256 is stored, and they are never logged.
 */
@Service
class RefreshTokens {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);

    /** Why a refresh token was refused; the caller gets the same answer for each. */
    enum Refusal {
        UNKNOWN,
        REVOKED,
        /** Already used: its family is revoked now. */
        REPLAYED,
        EXPIRED
    }

    /** A refresh's answer: the next refresh token and the member it signs in, or why not. */
    sealed interface Rotation {}

    record Rotated(String refreshToken, UUID tenantId, UUID memberId, String role) implements Rotation {
        @Override
        public String toString() {
            return "Rotated[tenantId=" + tenantId + ", memberId=" + memberId + ", role=" + role + "]";
        }
    }

    record Refused(Refusal refusal) implements Rotation {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final TokenSettings settings;
    private final AuditLog audit;
    private final Clock clock;

    RefreshTokens(DatabaseClient db, TransactionalOperator tx, TokenSettings settings, AuditLog audit, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new family for a member who just signed in, and its first token. */
    Mono<String> start(UUID tenantId, UUID memberId) {
        Instant now = now();
        UUID family = UUID.randomUUID();
        String token = Randoms.base64Url(32);
        return tx.transactional(db.sql("""
                        DELETE FROM tenancy.refresh_family WHERE member_id = :memberId AND started_at <= :expired
                        """)
                .bind("memberId", memberId)
                .bind("expired", now.minus(settings.refreshTokenMaxLifetime()))
                .fetch()
                .rowsUpdated()
                .then(db.sql("""
                                INSERT INTO tenancy.refresh_family (id, tenant_id, member_id, started_at)
                                VALUES (:id, :tenantId, :memberId, :now)
                                """)
                        .bind("id", family)
                        .bind("tenantId", tenantId)
                        .bind("memberId", memberId)
                        .bind("now", now)
                        .fetch()
                        .rowsUpdated())
                .then(insert(token, family, now))
                .thenReturn(token));
    }

    /**
     * Spends {@code token} for the next one of its family. The family's row is locked for the
     * exchange, so that of two concurrent uses of one token, one rotates and the other is a replay.
     */
    Mono<Rotation> refresh(String token, String sourceIp) {
        Instant now = now();
        byte[] hash = sha256(token);
        return tx.transactional(db.sql("""
                        SELECT t.family_id, t.issued_at, t.spent_at, f.started_at, f.revoked_at,
                               f.tenant_id, f.member_id, m.role
                        FROM tenancy.refresh_token t
                        JOIN tenancy.refresh_family f ON f.id = t.family_id
                        JOIN tenancy.member m ON m.id = f.member_id
                        WHERE t.token_hash = :hash
                        FOR UPDATE OF f
                        """)
                .bind("hash", hash)
                .map(row -> new Found(
                        row.get("family_id", UUID.class),
                        row.get("issued_at", Instant.class),
                        row.get("spent_at", Instant.class),
                        row.get("started_at", Instant.class),
                        row.get("revoked_at", Instant.class),
                        row.get("tenant_id", UUID.class),
                        row.get("member_id", UUID.class),
                        row.get("role", String.class)))
                .one()
                .flatMap(found -> rotate(found, hash, now, sourceIp))
                .defaultIfEmpty(new Refused(Refusal.UNKNOWN)));
    }

    /** Revokes the family of {@code token}; true when it was a known token of a family not yet revoked. */
    Mono<Boolean> revoke(String token, String sourceIp) {
        Instant now = now();
        return tx.transactional(db.sql("""
                        UPDATE tenancy.refresh_family f SET revoked_at = :now
                        FROM tenancy.refresh_token t
                        WHERE t.token_hash = :hash AND f.id = t.family_id AND f.revoked_at IS NULL
                        RETURNING f.id, f.tenant_id, f.member_id
                        """)
                .bind("now", now)
                .bind("hash", sha256(token))
                .map(row -> new Object[] {
                    row.get("id", UUID.class), row.get("tenant_id", UUID.class), row.get("member_id", UUID.class)
                })
                .one()
                .flatMap(revoked -> audit.append(
                                (UUID) revoked[1],
                                "member:" + revoked[2],
                                AuditAction.SIGN_OUT,
                                "session:" + revoked[0],
                                sourceIp,
                                true)
                        .thenReturn(true))
                .defaultIfEmpty(false));
    }

    private record Found(
            UUID family,
            Instant issuedAt,
            Instant spentAt,
            Instant startedAt,
            Instant revokedAt,
            UUID tenantId,
            UUID memberId,
            String role) {}

    private Mono<Rotation> rotate(Found found, byte[] hash, Instant now, String sourceIp) {
        if (found.revokedAt() != null) {
            return Mono.just(new Refused(Refusal.REVOKED));
        }
        if (found.spentAt() != null) {
            log.warn(
                    "A used refresh token was presented again: session {} of member {} is revoked",
                    found.family(),
                    found.memberId());
            return db.sql("UPDATE tenancy.refresh_family SET revoked_at = :now WHERE id = :id")
                    .bind("now", now)
                    .bind("id", found.family())
                    .fetch()
                    .rowsUpdated()
                    .then(audit.append(
                            found.tenantId(),
                            "member:" + found.memberId(),
                            AuditAction.REFRESH_TOKEN_REPLAY,
                            "session:" + found.family(),
                            sourceIp,
                            false))
                    .thenReturn(new Refused(Refusal.REPLAYED));
        }
        if (!now.isBefore(found.startedAt().plus(settings.refreshTokenMaxLifetime()))
                || !now.isBefore(found.issuedAt().plus(settings.refreshTokenIdleTimeout()))) {
            return Mono.just(new Refused(Refusal.EXPIRED));
        }
        String next = Randoms.base64Url(32);
        return db.sql("UPDATE tenancy.refresh_token SET spent_at = :now WHERE token_hash = :hash")
                .bind("now", now)
                .bind("hash", hash)
                .fetch()
                .rowsUpdated()
                .then(insert(next, found.family(), now))
                .thenReturn(new Rotated(next, found.tenantId(), found.memberId(), found.role()));
    }

    private Mono<Void> insert(String token, UUID family, Instant now) {
        return db.sql("""
                        INSERT INTO tenancy.refresh_token (token_hash, family_id, issued_at)
                        VALUES (:hash, :family, :now)
                        """)
                .bind("hash", sha256(token))
                .bind("family", family)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** Now, in the database's precision: a time read back equals the time written. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
