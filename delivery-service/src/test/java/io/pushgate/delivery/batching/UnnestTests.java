package io.pushgate.delivery.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class UnnestTests {

    private record Row(UUID id, String status, Integer attempted, Double latency) {}

    private static final Unnest<Row> ROWS = Unnest.<Row>columns()
            .uuid("id", Row::id)
            .text("status", Row::status)
            .int4("attempted", Row::attempted)
            .float8("latency_ms", Row::latency);

    @Test
    void namesEachColumnOnceAsItsParameterAndItsAlias() {
        assertThat(ROWS.as("f"))
                .isEqualTo("unnest(:id::uuid[], :status::text[], :attempted::int[], :latency_ms::float8[])"
                        + " AS f(id, status, attempted, latency_ms)");
        assertThat(ROWS.asNumbered("f", "ord"))
                .isEqualTo("unnest(:id::uuid[], :status::text[], :attempted::int[], :latency_ms::float8[])"
                        + " WITH ORDINALITY AS f(id, status, attempted, latency_ms, ord)");
    }

    @Test
    void refusesAColumnTwiceOrANameThatIsNoIdentifier() {
        assertThatIllegalArgumentException().isThrownBy(() -> ROWS.text("status", Row::status));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Unnest.<Row>columns().text("status; DROP TABLE x", Row::status));
    }
}
