package io.pushgate.api.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantCursorsTests {

    @Test
    void aCursorNamesThePositionItWasMadeFromForItsTenant() {
        UUID tenant = UUID.randomUUID();
        String position = "1764999999000000:" + UUID.randomUUID();
        String cursor = TenantCursors.encode(tenant, position);
        assertThat(TenantCursors.decode(tenant, cursor)).isEqualTo(position);
        assertThat(TenantCursors.decode(tenant, TenantCursors.encode(tenant, "a~b")))
                .isEqualTo("a~b");
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void anotherTenantsCursorIsRefusedLikeOneNoListGave() {
        UUID a = UUID.randomUUID();
        String bs = TenantCursors.encode(UUID.randomUUID(), "42");
        assertThatThrownBy(() -> TenantCursors.decode(a, bs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is not one this list gave out");
        for (String damaged : new String[] {"42", "not a cursor!", "", "fn4y", bs.substring(1)}) {
            assertThatThrownBy(() -> TenantCursors.decode(a, damaged))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cursor is not one this list gave out");
        }
    }
}
