package io.pushgate.tenant.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.api.secret.SecretUnreadableException;
import io.r2dbc.spi.Parameters;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The platform's token signing keys (ES256, EC P-256), kept in {@code tenancy.signing_key} with the
 * private half sealed. One key signs; after {@code key-rotation-interval} a new one takes over and
 * the old one is retired but stays published (JWKS, verification) until every token it signed has
 * expired. Every instance reloads the keys at least every {@link #RELOAD_INTERVAL} and when it meets
 * an unknown {@code kid}, so rotations by another instance are seen.
 */
@Component
public class SigningKeys {

    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(60);
    private static final Duration UNKNOWN_KID_RELOAD_INTERVAL = Duration.ofSeconds(5);
    private static final UUID PLATFORM = new UUID(0, 0);
    private static final long ROTATION_LOCK = 0x7075736867617465L; // "pushgate"

    /** A stored key: its public half, when it was made and when it was retired (null: signing). */
    record StoredKey(UUID id, ECKey publicKey, Instant createdAt, Instant retiredAt) {}

    /** What one load saw: the key that signs (with its private half) and every published key. */
    record Keys(ECKey signing, Instant signingSince, List<StoredKey> published, Instant loadedAt) {}

    private final DatabaseClient db;
    private final SecretCipher cipher;
    private final TokenSettings settings;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final AtomicReference<Keys> keys = new AtomicReference<>();
    private volatile Instant lastUnknownKidReload = Instant.EPOCH;

    SigningKeys(DatabaseClient db, SecretCipher cipher, TokenSettings settings, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock;
    }

    /** The keys with a current signing key: loaded, reloaded or rotated as due. */
    Mono<Keys> current() {
        Keys loaded = keys.get();
        Instant now = clock.instant();
        if (loaded != null && loaded.loadedAt().plus(RELOAD_INTERVAL).isAfter(now) && !rotationDue(loaded, now)) {
            return Mono.just(loaded);
        }
        return reload().flatMap(fresh -> rotationDue(fresh, clock.instant()) ? rotate(false) : Mono.just(fresh));
    }

    /** The keys a JWKS publishes: the signing key and the retired keys whose tokens may still be valid. */
    public Mono<List<JWK>> published() {
        return current()
                .map(loaded -> loaded.published().stream()
                        .map(key -> (JWK) key.publicKey())
                        .toList());
    }

    /** The published key {@code kid}, for verifying a token; empty when there is none. */
    public Flux<JWK> verificationKey(String kid) {
        return current().flatMapMany(loaded -> {
            JWK found = find(loaded, kid);
            if (found != null) {
                return Flux.just(found);
            }
            Instant now = clock.instant();
            if (lastUnknownKidReload.plus(UNKNOWN_KID_RELOAD_INTERVAL).isAfter(now)) {
                return Flux.empty();
            }
            lastUnknownKidReload = now;
            return reload().flatMapMany(fresh -> Mono.justOrEmpty(find(fresh, kid)));
        });
    }

    /**
     * Retires the signing key and makes a new one now, whatever the signing key's age (an
     * operator's rotation, e.g. after a suspected leak of the keyset would need more: this only
     * starts a new key).
     */
    public Mono<Void> rotateNow() {
        return rotate(true).then();
    }

    private static JWK find(Keys loaded, String kid) {
        return loaded.published().stream()
                .filter(key -> key.publicKey().getKeyID().equals(kid))
                .map(key -> (JWK) key.publicKey())
                .findFirst()
                .orElse(null);
    }

    private boolean rotationDue(Keys loaded, Instant now) {
        return loaded.signing() == null
                || !loaded.signingSince().plus(settings.keyRotationInterval()).isAfter(now);
    }

    private Mono<Keys> rotate(boolean force) {
        Mono<Void> rotation = db.sql("SELECT pg_advisory_xact_lock(:lock)")
                .bind("lock", ROTATION_LOCK)
                .fetch()
                .rowsUpdated()
                .then(reload())
                // another instance may have rotated while this one waited for the lock
                .flatMap(fresh -> force || rotationDue(fresh, clock.instant()) ? insertNewKey() : Mono.empty());
        return tx.transactional(rotation).then(reload());
    }

    private Mono<Void> insertNewKey() {
        UUID id = UUID.randomUUID();
        // microseconds, as PostgreSQL stores them (it rounds): what is read back is what was meant
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256)
                    .keyID(id.toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            return Mono.error(new IllegalStateException("cannot generate an EC P-256 signing key", e));
        }
        return db.sql("UPDATE tenancy.signing_key SET retired_at = :now WHERE retired_at IS NULL")
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .then(db.sql("""
                                INSERT INTO tenancy.signing_key (id, private_jwk_ciphertext, public_jwk, created_at)
                                VALUES (:id, :private, :public, :now)
                                """)
                        .bind("id", id)
                        .bind("private", cipher.seal(key.toJSONString(), PLATFORM, id))
                        .bind("public", key.toPublicJWK().toJSONString())
                        .bind("now", now)
                        .fetch()
                        .rowsUpdated())
                .then();
    }

    private Mono<Keys> reload() {
        Instant now = clock.instant();
        Instant oldestRetirement = now.minus(settings.longestLifetime());
        return db.sql("""
                        SELECT id, private_jwk_ciphertext, public_jwk, created_at, retired_at FROM tenancy.signing_key
                        WHERE retired_at IS NULL OR retired_at > :oldest ORDER BY created_at DESC
                        """)
                .bind("oldest", Parameters.in(oldestRetirement))
                .map(row -> new Object[] {
                    row.get("id", UUID.class),
                    row.get("private_jwk_ciphertext", byte[].class),
                    row.get("public_jwk", String.class),
                    row.get("created_at", Instant.class),
                    row.get("retired_at", Instant.class)
                })
                .all()
                .collectList()
                .map(rows -> {
                    ECKey signing = null;
                    Instant signingSince = null;
                    List<StoredKey> published = new java.util.ArrayList<>();
                    for (Object[] row : rows) {
                        UUID id = (UUID) row[0];
                        Instant retiredAt = (Instant) row[4];
                        published.add(new StoredKey(id, parse((String) row[2]), (Instant) row[3], retiredAt));
                        if (retiredAt == null && signing == null) {
                            signing = parse(open((byte[]) row[1], id));
                            signingSince = (Instant) row[3];
                        }
                    }
                    Keys fresh = new Keys(signing, signingSince, List.copyOf(published), now);
                    keys.set(fresh);
                    return fresh;
                });
    }

    private String open(byte[] sealed, UUID id) {
        try {
            return cipher.openText(sealed, PLATFORM, id);
        } catch (SecretUnreadableException e) {
            throw new KeysetMismatchException(id); // the cause would only say "does not decrypt"
        }
    }

    /**
     * The keyset this service was given does not open the signing key in its database: the database
     * was set up with another keyset (a restored backup, a new {@code PUSHGATE_HOME}), and nothing
     * sealed before can be read. Start-up fails with it rather than every sign-in answering 500.
     */
    static final class KeysetMismatchException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        KeysetMismatchException(UUID keyId) {
            super("the keyset (pushgate.keyset, PUSHGATE_KEYSET) does not open the signing key " + keyId
                    + " stored in this database: the database was set up with another keyset; start with that one");
        }
    }

    private static ECKey parse(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key does not parse", e);
        }
    }
}
