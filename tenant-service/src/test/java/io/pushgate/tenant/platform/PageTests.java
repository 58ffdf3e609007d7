package io.pushgate.tenant.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageTests {

    @Test
    void aCursorNamesThePositionItWasMadeFrom() {
        UUID tenant = UUID.randomUUID();
        Page.Position position = new Page.Position(Instant.parse("2026-01-02T03:04:05.123456Z"), UUID.randomUUID());
        assertThat(Page.Position.decode(position.encode(tenant), tenant)).isEqualTo(position);
        assertThat(Page.Position.decode(null, tenant)).isEqualTo(Page.Position.START);
    }

    @Test
    void aDamagedCursorIsABadRequestNamingTheField() {
        assertThatThrownBy(() -> Page.Position.decode("bm90IGEgY3Vyc29y", UUID.randomUUID()))
                .isInstanceOf(ApiRejected.class)
                .satisfies(e ->
                        assertThat(((ApiRejected) e).getBody().getProperties()).containsEntry("field", "cursor"));
    }

    @Test
    void anotherTenantsCursorIsRefusedAsADamagedOneIs() {
        Page.Position position = new Page.Position(Instant.parse("2026-01-02T03:04:05.123456Z"), UUID.randomUUID());
        String bs = position.encode(UUID.randomUUID());
        assertThatThrownBy(() -> Page.Position.decode(bs, UUID.randomUUID()))
                .isInstanceOf(ApiRejected.class)
                .satisfies(e -> assertThat(((ApiRejected) e).getBody().getDetail())
                        .isEqualTo("cursor: is not a cursor this list gave"))
                .satisfies(e ->
                        assertThat(((ApiRejected) e).getBody().getProperties()).containsEntry("field", "cursor"));
        assertThatThrownBy(() -> Page.position(UUID.randomUUID(), Page.cursor(UUID.randomUUID(), "42")))
                .isInstanceOf(ApiRejected.class);
    }

    @Test
    void aPageHasANextCursorOnlyWhenMoreRowsFollow() {
        assertThat(Page.of(List.of(1, 2), 2, String::valueOf).nextCursor()).isNull();
        Page<Integer> page = Page.of(List.of(1, 2, 3), 2, String::valueOf);
        assertThat(page.items()).containsExactly(1, 2);
        assertThat(page.nextCursor()).isEqualTo("2");
    }

    @Test
    void theLimitIsBounded() {
        assertThat(Page.limit(null)).isEqualTo(Page.DEFAULT_LIMIT);
        assertThatThrownBy(() -> Page.limit(0)).isInstanceOf(ApiRejected.class);
        assertThatThrownBy(() -> Page.limit(201)).isInstanceOf(ApiRejected.class);
    }
}
