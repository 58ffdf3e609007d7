package io.pushgate.delivery.batching;

import java.lang.reflect.Array;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The columns of a grouped statement's {@code unnest(…)}: each named once, with its SQL type and
 * what a row of the batch puts in it, so that the statement's column list and the arrays bound to
 * it cannot drift apart. The arrays are bound as named parameters, one per column, named as the
 * column ({@code :tenant_id}); a {@code null} value is SQL {@code NULL}.
 *
 * <pre>{@code
 * Unnest<Row> ROWS = Unnest.<Row>columns().uuid("id", Row::id).text("status", Row::status);
 * database.sql("UPDATE t SET status = r.status FROM " + ROWS.as("r") + " WHERE t.id = r.id")
 * }</pre>
 *
 * @param <T> a row of the batch
 */
public final class Unnest<T> {

    private final List<Column<T>> columns;

    private Unnest(List<Column<T>> columns) {
        this.columns = columns;
    }

    /** No columns yet. */
    public static <T> Unnest<T> columns() {
        return new Unnest<>(List.of());
    }

    public Unnest<T> uuid(String name, Function<? super T, UUID> value) {
        return with(name, "uuid", UUID.class, value);
    }

    public Unnest<T> text(String name, Function<? super T, String> value) {
        return with(name, "text", String.class, value);
    }

    public Unnest<T> int4(String name, Function<? super T, Integer> value) {
        return with(name, "int", Integer.class, value);
    }

    public Unnest<T> timestamptz(String name, Function<? super T, OffsetDateTime> value) {
        return with(name, "timestamptz", OffsetDateTime.class, value);
    }

    public Unnest<T> int8(String name, Function<? super T, Long> value) {
        return with(name, "int8", Long.class, value);
    }

    public Unnest<T> float8(String name, Function<? super T, Double> value) {
        return with(name, "float8", Double.class, value);
    }

    /** {@code unnest(:id::uuid[], …) AS alias(id, …)}: a row source for a {@code FROM} or a {@code JOIN}. */
    public String as(String alias) {
        return parameters() + " AS " + alias + names("");
    }

    /**
     * The same {@code WITH ORDINALITY}: its last column {@code position} numbers the rows from 1, in
     * the order they were bound.
     */
    public String asNumbered(String alias, String position) {
        return parameters() + " WITH ORDINALITY AS " + alias + names(", " + position);
    }

    private String parameters() {
        return columns.stream()
                .map(column -> ":" + column.name() + "::" + column.sqlType() + "[]")
                .collect(Collectors.joining(", ", "unnest(", ")"));
    }

    private String names(String more) {
        return columns.stream().map(Column::name).collect(Collectors.joining(", ", "(", more + ")"));
    }

    /** Binds each column's values of {@code rows}, in the rows' order. */
    public DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec statement, List<? extends T> rows) {
        for (Column<T> column : columns) {
            Object values = Array.newInstance(column.javaType(), rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Array.set(values, i, column.value().apply(rows.get(i)));
            }
            statement = statement.bind(column.name(), values);
        }
        return statement;
    }

    private Unnest<T> with(String name, String sqlType, Class<?> javaType, Function<? super T, ?> value) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a column name: " + name);
        }
        if (columns.stream().anyMatch(column -> column.name().equals(name))) {
            throw new IllegalArgumentException("column " + name + " twice");
        }
        List<Column<T>> more = new ArrayList<>(columns);
        more.add(new Column<>(name, sqlType, javaType, value));
        return new Unnest<>(List.copyOf(more));
    }

    private record Column<T>(String name, String sqlType, Class<?> javaType, Function<? super T, ?> value) {}
}
