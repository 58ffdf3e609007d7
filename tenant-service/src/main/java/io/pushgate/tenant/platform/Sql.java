package io.pushgate.tenant.platform;

import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;

/** Bind values for {@code DatabaseClient}. */
public final class Sql {

    private Sql() {}

    /** {@code value}, or a typed SQL NULL when it is null. */
    public static Parameter nullable(Object value, Class<?> type) {
        return value == null ? Parameters.in(type) : Parameters.in(value);
    }
}
