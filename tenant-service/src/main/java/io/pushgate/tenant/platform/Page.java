package io.pushgate.tenant.platform;

import io.pushgate.api.paging.TenantCursors;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * One page of a list: {@code {"items": [...], "nextCursor": null | "..."}}; {@code ?cursor=} with
 * the {@code nextCursor} of a page gives the next one. A cursor is its tenant's ({@link
 * TenantCursors}): another tenant's is refused as a damaged one is (400 {@code invalid-field}).
 */
public record Page<T>(List<T> items, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** The page from {@code rows}, fetched with {@code limit + 1} to know whether more follow. */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), cursorOf.apply(items.get(limit - 1)));
    }

    /** A row of a list ordered by (createdAt, id), so that a cursor can say where a page ended. */
    public interface Positioned {
        Instant createdAt();

        UUID id();
    }

    /**
     * One page of a tenant's rows: {@code select} (a {@code SELECT … FROM table} of a table with
     * {@code tenant_id}, {@code created_at} and {@code id}) gets the tenant filter, the cursor's
     * position, the (created_at, id) order and the limit added.
     *
     * @throws ApiRejected at once for a limit out of range or a damaged cursor (400)
     */
    public static <T extends Positioned> Mono<Page<T>> query(
            DatabaseClient db,
            String select,
            UUID tenantId,
            String cursor,
            Integer limit,
            Function<? super Readable, T> view) {
        int size = limit(limit);
        Position after = Position.decode(cursor, tenantId);
        return db.sql(select + " WHERE tenant_id = :tenantId AND (created_at, id) > (:createdAt, :id)"
                        + " ORDER BY created_at, id LIMIT :limit")
                .bind("tenantId", tenantId)
                .bind("createdAt", after.createdAt())
                .bind("id", after.id())
                .bind("limit", size + 1)
                .map(view)
                .all()
                .collectList()
                .map(rows -> of(rows, size, row -> new Position(row.createdAt(), row.id()).encode(tenantId)));
    }

    /** {@code ?limit=}: absent gives the default; out of 1..200 answers 400. */
    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiRejected.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }

    /** The cursor of {@code position} (a list's own text) in {@code tenantId}'s list. */
    public static String cursor(UUID tenantId, String position) {
        return TenantCursors.encode(tenantId, position);
    }

    /**
     * The position (a list's own text) that {@code cursor} names in {@code tenantId}'s list, {@code
     * null} without a cursor.
     *
     * @throws ApiRejected (400, {@code cursor}) for a damaged cursor, one no list gave or another
     *     tenant's: the same answer for all three
     */
    public static String position(UUID tenantId, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return TenantCursors.decode(tenantId, cursor);
        } catch (IllegalArgumentException e) {
            throw notACursor();
        }
    }

    private static ApiRejected notACursor() {
        return ApiRejected.invalidField("cursor", "is not a cursor this list gave");
    }

    /** A position in a list ordered by (createdAt, id). */
    public record Position(Instant createdAt, UUID id) {

        /** Before every row. */
        public static final Position START = new Position(Instant.EPOCH, new UUID(0, 0));

        /** This position's cursor in {@code tenantId}'s list. */
        public String encode(UUID tenantId) {
            return cursor(tenantId, createdAt + "|" + id);
        }

        /**
         * The position a cursor of {@code tenantId}'s list names; absent gives {@link #START}, a
         * damaged one or another tenant's answers 400.
         */
        public static Position decode(String cursor, UUID tenantId) {
            String text = position(tenantId, cursor);
            if (text == null) {
                return START;
            }
            try {
                int bar = text.indexOf('|');
                return new Position(Instant.parse(text.substring(0, bar)), UUID.fromString(text.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw notACursor();
            }
        }
    }
}
