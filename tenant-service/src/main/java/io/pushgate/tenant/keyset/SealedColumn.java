package io.pushgate.tenant.keyset;

import java.util.List;

/**
 * Every column of {@code tenancy} that holds a ciphertext of the keyset, with what its associated
 * data binds: the tenant (a column, or the nil UUID of the platform's own secrets) and the record
 * (the row's {@code id}). A new sealed column is a new constant here, or it is never re-sealed and
 * its key can never be retired ({@code KeysetRotationIntegrationTests} checks the schema for it).
 *
 * @param table the table, schema-qualified
 * @param column the {@code bytea} column
 * @param tenantColumn the column naming the tenant, or {@code null} for the platform's nil UUID
 */
record SealedColumn(String table, String column, String tenantColumn) {

    static final List<SealedColumn> ALL = List.of(
            new SealedColumn("tenancy.configuration", "secret_ciphertext", "tenant_id"),
            new SealedColumn("tenancy.configuration", "previous_secret_ciphertext", "tenant_id"),
            new SealedColumn("tenancy.credential", "material_ciphertext", "tenant_id"),
            new SealedColumn("tenancy.signing_key", "private_jwk_ciphertext", null));

    /** {@code table.column}, as answers and logs name it. */
    String name() {
        return table.substring(table.indexOf('.') + 1) + "." + column;
    }

    /** The SQL expression of the tenant id. */
    String tenantExpression() {
        return tenantColumn == null ? "'00000000-0000-0000-0000-000000000000'::uuid" : tenantColumn;
    }
}
