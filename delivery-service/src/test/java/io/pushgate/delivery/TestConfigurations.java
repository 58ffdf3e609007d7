package io.pushgate.delivery;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * Tenants and AXP configurations written straight into {@code tenancy}, as the control plane would
 * write them: the schema comes from tenant-service's own migrations, secrets are sealed with this
 * run's keyset.
 */
public final class TestConfigurations {

    private static final Path TENANCY_MIGRATIONS = Path.of("../tenant-service/src/main/resources/db/migration/tenancy");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestConfigurations() {}

    /** Creates the control plane's schema on this run's test database ({@link TestDatabase}). */
    public static void migrateTenancy() {
        TestDatabase database = TestDatabase.get();
        migrateTenancy(database.jdbcUrl(), database.user(), database.password());
    }

    /** Creates the control plane's schema on a database, from tenant-service's migration scripts. */
    public static void migrateTenancy(String jdbcUrl, String user, String password) {
        Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .schemas("tenancy")
                .locations("filesystem:" + TENANCY_MIGRATIONS.toAbsolutePath().normalize())
                .load()
                .migrate();
    }

    /**
     * Gives {@code tenantId} the plan of {@code callbacksPerSecond} and {@code callbackBurst} (the other
     * rates generous), the next version, and announces it as tenant-service does: a {@code plan} change
     * notification after the commit.
     */
    public static void plan(Connection connection, UUID tenantId, long callbacksPerSecond, long callbackBurst)
            throws SQLException {
        try (var plan = connection.prepareStatement("""
                INSERT INTO tenancy.plan (tenant_id, callbacks_per_second, callback_burst, registrations_per_second,
                    api_calls_per_second, deliveries_per_second_per_credential, version)
                VALUES (?, ?, ?, 1000, 100, 5000, 1)
                ON CONFLICT (tenant_id) DO UPDATE SET callbacks_per_second = excluded.callbacks_per_second,
                    callback_burst = excluded.callback_burst, version = tenancy.plan.version + 1""")) {
            plan.setObject(1, tenantId);
            plan.setLong(2, callbacksPerSecond);
            plan.setLong(3, callbackBurst);
            plan.executeUpdate();
        }
        try (var notify = connection.prepareStatement("SELECT pg_notify('pushgate_tenancy_changed', ?)")) {
            notify.setString(1, "{\"kind\":\"plan\",\"id\":\"" + tenantId + "\",\"tenantId\":\"" + tenantId + "\"}");
            notify.execute();
        }
    }

    public static Builder configuration() {
        return new Builder();
    }

    /** A configuration as inserted: what a test needs to call and to sign. */
    public record Inserted(UUID id, UUID tenantId, String callbackKey, String secret) {}

    public static final class Builder {
        private String secret = "secret-" + UUID.randomUUID();
        private String previousSecret;
        private Instant previousSecretValidUntil;
        private boolean enabled = true;
        private UUID tenantId;

        /** Another configuration of an existing tenant (by default, a new tenant of its own). */
        public Builder tenant(UUID tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        public Builder previousSecret(String previousSecret, Instant validUntil) {
            this.previousSecret = previousSecret;
            this.previousSecretValidUntil = validUntil;
            return this;
        }

        public Builder disabled() {
            this.enabled = false;
            return this;
        }

        public Inserted insert(String jdbcUrl, String user, String password) throws SQLException {
            return insert(jdbcUrl, user, password, TestKeyset.cipher());
        }

        public Inserted insert(String jdbcUrl, String user, String password, SecretCipher cipher) throws SQLException {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
                return insert(connection, cipher);
            }
        }

        public Inserted insert(Connection connection) throws SQLException {
            return insert(connection, TestKeyset.cipher());
        }

        public Inserted insert(Connection connection, SecretCipher cipher) throws SQLException {
            boolean newTenant = this.tenantId == null;
            UUID tenantId = newTenant ? UUID.randomUUID() : this.tenantId;
            UUID id = UUID.randomUUID();
            byte[] key = new byte[24];
            RANDOM.nextBytes(key);
            String callbackKey = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
            if (newTenant) {
                try (var tenant = connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, ?)")) {
                    tenant.setObject(1, tenantId);
                    tenant.setString(2, "tenant " + tenantId);
                    tenant.executeUpdate();
                }
            }
            try (var configuration = connection.prepareStatement("""
                    INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext,
                        previous_secret_ciphertext, previous_secret_valid_until, enabled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                configuration.setObject(1, id);
                configuration.setObject(2, tenantId);
                configuration.setString(3, "configuration " + id);
                configuration.setString(4, callbackKey);
                configuration.setBytes(5, cipher.seal(secret, tenantId, id));
                configuration.setBytes(6, previousSecret == null ? null : cipher.seal(previousSecret, tenantId, id));
                configuration.setTimestamp(
                        7, previousSecretValidUntil == null ? null : Timestamp.from(previousSecretValidUntil));
                configuration.setBoolean(8, enabled);
                configuration.executeUpdate();
            }
            return new Inserted(id, tenantId, callbackKey, secret);
        }
    }
}
