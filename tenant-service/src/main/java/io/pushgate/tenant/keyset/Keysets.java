package io.pushgate.tenant.keyset;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.api.secret.SecretCipher.KeyIds;
import io.pushgate.api.secret.SecretUnreadableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The stored ciphertexts of every {@link SealedColumn}, seen by the key that sealed them: how many
 * each key seals, and their re-sealing under the primary key in bounded batches. A row is rewritten
 * only while it still holds the ciphertext that was read (compare-and-set), so a secret a tenant
 * rotates meanwhile is never overwritten with the old one; re-sealing changes no plaintext, so no
 * cache of delivery-service needs to hear of it.
 */
@Service
class Keysets {

    private static final Logger log = LoggerFactory.getLogger(Keysets.class);
    private static final UUID NONE = new UUID(0, 0);

    private final DatabaseClient db;
    private final SecretCipher cipher;

    Keysets(DatabaseClient db, SecretCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** How many stored ciphertexts each key id seals (a ciphertext without a Tink prefix counts under -1). */
    Mono<Map<Long, Long>> sealedPerKey() {
        return Flux.fromIterable(SealedColumn.ALL)
                .concatMap(column -> db.sql("SELECT substring(" + column.column() + " from 1 for 5) AS prefix,"
                                + " count(*) AS n FROM " + column.table() + " WHERE " + column.column()
                                + " IS NOT NULL GROUP BY 1")
                        .map(row -> Map.entry(
                                SecretCipher.unsignedKeyIdOf(row.get("prefix", byte[].class))
                                        .orElse(-1L),
                                row.get("n", Long.class)))
                        .all())
                .collect(
                        LinkedHashMap::new,
                        (counts, entry) -> counts.merge(entry.getKey(), entry.getValue(), Long::sum));
    }

    /**
     * What one re-sealing pass did.
     *
     * @param primaryKeyId the key everything was re-sealed under
     * @param examined ciphertexts read that the primary did not seal
     * @param resealed of those, rewritten under the primary
     * @param changedMeanwhile of those, left alone because their row changed after it was read (a
     *     tenant rotated the secret): whatever it holds now, a later pass re-seals it if needed
     * @param unreadable of those, left alone because no key of this keyset opens them
     * @param columns the same per column
     */
    record Pass(
            long primaryKeyId,
            long examined,
            long resealed,
            long changedMeanwhile,
            long unreadable,
            Map<String, ColumnPass> columns) {}

    /** One column's share of a {@link Pass}. */
    record ColumnPass(long examined, long resealed, long changedMeanwhile, long unreadable) {

        ColumnPass plus(ColumnPass other) {
            return new ColumnPass(
                    examined + other.examined,
                    resealed + other.resealed,
                    changedMeanwhile + other.changedMeanwhile,
                    unreadable + other.unreadable);
        }
    }

    /** Re-seals every stored ciphertext that the primary did not seal, {@code batchSize} rows at a time. */
    Mono<Pass> reseal(int batchSize) {
        KeyIds keys = cipher.keyIds();
        byte[] primary = SecretCipher.prefixOf(keys.primary());
        return Flux.fromIterable(SealedColumn.ALL)
                .concatMap(column -> resealFrom(column, primary, NONE, batchSize, new ColumnPass(0, 0, 0, 0))
                        .map(done -> Map.entry(column.name(), done)))
                .collectList()
                .map(done -> {
                    Map<String, ColumnPass> columns = new LinkedHashMap<>();
                    ColumnPass total = new ColumnPass(0, 0, 0, 0);
                    for (Map.Entry<String, ColumnPass> entry : done) {
                        columns.put(entry.getKey(), entry.getValue());
                        total = total.plus(entry.getValue());
                    }
                    Pass pass = new Pass(
                            keys.primary(),
                            total.examined(),
                            total.resealed(),
                            total.changedMeanwhile(),
                            total.unreadable(),
                            columns);
                    log.info(
                            "keyset re-seal under key {}: {} examined, {} re-sealed, {} changed meanwhile, {} unreadable",
                            pass.primaryKeyId(),
                            pass.examined(),
                            pass.resealed(),
                            pass.changedMeanwhile(),
                            pass.unreadable());
                    return pass;
                });
    }

    private record Sealed(UUID id, UUID tenantId, byte[] ciphertext) {}

    /** The column's rows after {@code after} (by id), a batch at a time, until none is left. */
    private Mono<ColumnPass> resealFrom(
            SealedColumn column, byte[] primary, UUID after, int batchSize, ColumnPass sum) {
        return db.sql("SELECT id, " + column.tenantExpression() + " AS tenant_id, " + column.column()
                        + " AS sealed FROM " + column.table() + " WHERE " + column.column() + " IS NOT NULL"
                        + " AND substring(" + column.column() + " from 1 for 5) <> :primary AND id > :after"
                        + " ORDER BY id LIMIT :batch")
                .bind("primary", primary)
                .bind("after", after)
                .bind("batch", batchSize)
                .map(row -> new Sealed(
                        row.get("id", UUID.class), row.get("tenant_id", UUID.class), row.get("sealed", byte[].class)))
                .all()
                .collectList()
                .flatMap(batch -> {
                    if (batch.isEmpty()) {
                        return Mono.just(sum);
                    }
                    return Flux.fromIterable(batch)
                            .concatMap(row -> resealRow(column, row))
                            .reduce(new ColumnPass(0, 0, 0, 0), ColumnPass::plus)
                            .flatMap(done -> batch.size() < batchSize
                                    ? Mono.just(sum.plus(done))
                                    : resealFrom(
                                            column,
                                            primary,
                                            batch.get(batch.size() - 1).id(),
                                            batchSize,
                                            sum.plus(done)));
                });
    }

    private Mono<ColumnPass> resealRow(SealedColumn column, Sealed row) {
        byte[] resealed;
        try {
            resealed = cipher.reseal(row.ciphertext(), row.tenantId(), row.id());
        } catch (SecretUnreadableException e) {
            log.warn(
                    "{} of row {} does not open with this keyset (sealed with key {}): left as it is",
                    column.name(),
                    row.id(),
                    SecretCipher.unsignedKeyIdOf(row.ciphertext())
                            .map(String::valueOf)
                            .orElse("(no prefix)"));
            return Mono.just(new ColumnPass(1, 0, 0, 1));
        }
        if (resealed == row.ciphertext()) {
            return Mono.just(new ColumnPass(1, 0, 0, 0)); // the primary changed meanwhile and sealed it
        }
        return db.sql("UPDATE " + column.table() + " SET " + column.column() + " = :resealed WHERE id = :id AND "
                        + column.column() + " = :read")
                .bind("resealed", resealed)
                .bind("id", row.id())
                .bind("read", row.ciphertext())
                .fetch()
                .rowsUpdated()
                .map(updated -> updated == 1 ? new ColumnPass(1, 1, 0, 0) : new ColumnPass(1, 0, 1, 0));
    }

    /** The key ids in use now (this instance's keyset). */
    KeyIds keyIds() {
        return cipher.keyIds();
    }

    static List<Long> sorted(Iterable<Long> ids) {
        List<Long> sorted = new ArrayList<>();
        ids.forEach(sorted::add);
        sorted.sort(null);
        return sorted;
    }
}
