package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.configuration.TenancyChanged;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestHttp;
import io.pushgate.testkit.TestIssuer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * delivery-service on a real port with this run's database, and a {@link TestIssuer} standing in for
 * tenant-service's platform JWKS: tenants, configurations and trusted issuers are written into
 * {@code tenancy} as the control plane writes them; tokens are real, signed JWTs.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s",
            "pushgate.configuration.cache-ttl=1h",
            "pushgate.registration.open-per-ip-limit=100000",
            "pushgate.registration.open-per-configuration-limit=100000",
            "pushgate.read-api.timeout=2s"
        })
abstract class RegistrationIntegrationSupport {

    /** The platform's issuer: tenant-service's role, played by a test issuer. */
    static final String PLATFORM_ISSUER = "http://platform.pushgate.test";

    static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);

    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;

    WebTestClient http;

    @Autowired
    ConfigurableApplicationContext context;

    /** The changes delivery-service's listeners were told of, by id (every context of this JVM). */
    private static final Set<UUID> heard = ConcurrentHashMap.newKeySet();

    private static final Set<ConfigurableApplicationContext> listening = ConcurrentHashMap.newKeySet();

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        registry.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        registry.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @BeforeEach
    void client() {
        // registered after the application's own listeners, so it hears of a change after they have acted on it
        if (listening.add(context)) {
            context.addApplicationListener(event -> {
                if (event instanceof PayloadApplicationEvent<?> payload
                        && payload.getPayload() instanceof TenancyChanged change
                        && change.id() != null) {
                    heard.add(change.id());
                }
            });
        }
        http = WebTestClient.bindToServer(TestHttp.unpooled())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A tenant and one AXP configuration of it. */
    record Tenant(UUID id, UUID configurationId, String configId) {}

    static Tenant tenant() throws SQLException {
        return tenant(false);
    }

    static Tenant tenant(boolean openRegistration) throws SQLException {
        UUID tenantId = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect()) {
            try (var tenant = connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, ?)")) {
                tenant.setObject(1, tenantId);
                tenant.setString(2, "tenant " + tenantId);
                tenant.executeUpdate();
            }
        }
        return configuration(tenantId, openRegistration);
    }

    /** Another configuration of {@code tenantId}. */
    static Tenant configuration(UUID tenantId, boolean openRegistration) throws SQLException {
        UUID id = UUID.randomUUID();
        String configId = "axp-config-" + UUID.randomUUID();
        byte[] ciphertext = new byte[48];
        RANDOM.nextBytes(ciphertext);
        try (Connection connection = TestDatabase.get().connect();
                var configuration = connection.prepareStatement("""
                        INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext,
                            axp_configuration_id, open_registration)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            configuration.setObject(1, id);
            configuration.setObject(2, tenantId);
            configuration.setString(3, "configuration " + id);
            configuration.setString(4, "key-" + UUID.randomUUID());
            configuration.setBytes(5, ciphertext);
            configuration.setString(6, configId);
            configuration.setBoolean(7, openRegistration);
            configuration.executeUpdate();
        }
        return new Tenant(tenantId, id, configId);
    }

    /**
     * Registers {@code issuer} (JWKS and audience) as trusted by {@code tenant}, tells delivery-service,
     * and waits until it has heard (the notification arrives asynchronously: a token sent at once could
     * meet the issuer's rows cached before the change).
     */
    UUID trust(Tenant tenant, TestIssuer issuer, String audience) throws SQLException {
        return trustWithJwksUri(tenant, issuer, issuer.jwksUri().toString(), audience);
    }

    /** Trusts {@code issuer} for {@code tenant} with a JWKS URI of the test's choosing, as {@link #trust} does. */
    UUID trustWithJwksUri(Tenant tenant, TestIssuer issuer, String jwksUri, String audience) throws SQLException {
        UUID id = UUID.randomUUID();
        sql(
                "INSERT INTO tenancy.trusted_issuer (id, tenant_id, issuer, jwks_uri, audience) VALUES ('" + id + "', '"
                        + tenant.id() + "', ?, ?, ?)",
                issuer.issuer(),
                jwksUri,
                audience);
        changed("trusted_issuer", id, tenant.id());
        awaitHeard(id);
        return id;
    }

    /** Waits until delivery-service's listeners have been told of the change to {@code id}. */
    void awaitHeard(UUID id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!heard.contains(id)) {
            assertThat(System.nanoTime())
                    .as("delivery-service heard of the change within 10 s")
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** {@code pg_notify} as tenant-service sends it after a change. */
    static void changed(String kind, UUID id, UUID tenantId) throws SQLException {
        sql(
                "SELECT pg_notify('pushgate_tenancy_changed', ?)",
                "{\"kind\":\"" + kind + "\",\"id\":\"" + id + "\",\"tenantId\":\"" + tenantId + "\"}");
    }

    static void sql(String statement, Object... parameters) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                prepared.setObject(i + 1, parameters[i]);
            }
            prepared.execute();
        }
    }

    /** The stored row of {@code deviceToken} in {@code tenant}, column by column, or {@code null}. */
    static Map<String, Object> row(UUID tenantId, String deviceToken) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement(
                        "SELECT * FROM delivery.registration WHERE tenant_id = ? AND device_token = ?")) {
            query.setObject(1, tenantId);
            query.setString(2, deviceToken);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.put(rows.getMetaData().getColumnName(i), rows.getObject(i));
                }
                return row;
            }
        }
    }

    /** An app client's platform token for {@code tenant} (scope registrations). */
    static String appToken(Tenant tenant) {
        return platformToken(tenant.id()).scope(Scopes.REGISTRATIONS).sign();
    }

    /** A platform token of {@code tenantId} as tenant-service mints it; add the scope. */
    static TestIssuer.Token platformToken(UUID tenantId) {
        return PLATFORM.token()
                .audience("pushgate")
                .subject("app-client-1")
                .claim("tenant_id", tenantId.toString())
                .claim("client_id", "app-client-1");
    }

    /** A plausible FCM registration token, unique. */
    static String fcmToken() {
        return "fcm-" + UUID.randomUUID() + ":APA91b" + HexFormat.of().formatHex(bytes(40));
    }

    /** A plausible APNs device token: 64 hex digits. */
    static String apnsToken() {
        return HexFormat.of().formatHex(bytes(32));
    }

    /** How many registrations {@code tenant} has, active or not. */
    static int registrationCount(Tenant tenant) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query =
                        connection.prepareStatement("SELECT count(*) FROM delivery.registration WHERE tenant_id = ?")) {
            query.setObject(1, tenant.id());
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for the condition").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
