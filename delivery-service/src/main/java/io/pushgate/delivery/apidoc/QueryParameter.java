package io.pushgate.delivery.apidoc;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Supplier;

/**
 * A query parameter a handler reads: its name and its schema for {@code /v3/api-docs}. A handler
 * declares the ones it reads where it is routed ({@link Query#reading}) and reads them only through
 * the {@link Query} it is given, so the declaration the document shows is the one the handler reads
 * by. An id's schema says it is one ({@code format: uuid}), and a page's cursor is {@link #cursor()}:
 * the cross-tenant matrix of infra/standalone attacks both.
 */
public final class QueryParameter {

    private final String name;
    private final boolean repeatable;
    private final Supplier<Schema<?>> schema;

    private QueryParameter(String name, boolean repeatable, Supplier<Schema<?>> schema) {
        this.name = name;
        this.repeatable = repeatable;
        this.schema = schema;
    }

    /** The parameter's name in the query. */
    public String name() {
        return name;
    }

    /** A tenant's resource by its id: a UUID. */
    public static QueryParameter id(String name, String description) {
        return new QueryParameter(
                name, false, () -> new StringSchema().format("uuid").description(description));
    }

    /** An ISO-8601 instant. */
    public static QueryParameter instant(String name, String description) {
        return new QueryParameter(
                name, false, () -> new StringSchema().format("date-time").description(description));
    }

    /** A text of 1 to {@code maxLength} characters. */
    public static QueryParameter text(String name, int maxLength, String description) {
        return new QueryParameter(
                name,
                false,
                () -> new StringSchema().minLength(1).maxLength(maxLength).description(description));
    }

    /** One of {@code values}. */
    public static QueryParameter oneOf(String name, List<String> values, String description) {
        return new QueryParameter(
                name, false, () -> new StringSchema()._enum(values).description(description));
    }

    /** Any of {@code values}, the parameter repeated or its values comma-separated. */
    public static QueryParameter anyOf(String name, List<String> values) {
        return new QueryParameter(name, true, () -> new ArraySchema().items(new StringSchema()._enum(values)));
    }

    /** A page's size: a whole number from 1 to {@code max}. */
    public static QueryParameter limit(int max) {
        return new QueryParameter(
                "limit",
                false,
                () -> new IntegerSchema().minimum(BigDecimal.ONE).maximum(BigDecimal.valueOf(max)));
    }

    /** A page's {@code nextCursor}, asking for the page after it. */
    public static QueryParameter cursor() {
        return new QueryParameter(
                "cursor", false, () -> new StringSchema().description("a page's nextCursor, for the page after it"));
    }

    /** The parameter as the document shows it: optional, in the query. */
    Parameter describe() {
        Parameter parameter = new io.swagger.v3.oas.models.parameters.QueryParameter()
                .name(name)
                .required(false)
                .schema(schema.get());
        return repeatable ? parameter.explode(true).description("repeated or comma-separated") : parameter;
    }

    @Override
    public String toString() {
        return name;
    }
}
