package io.pushgate.delivery.dispatch;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.secret.ApnsCertificateSecret;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Tenants, configurations, credentials and registrations written straight into the database, as the
 * control plane and the registration API would; callbacks sent over HTTP as AXP sends them.
 */
public final class DeliveryFixtures {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private DeliveryFixtures() {}

    public static Connection connect() throws SQLException {
        TestDatabase database = TestDatabase.get();
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    public static TestConfigurations.Inserted configuration() throws SQLException {
        try (Connection connection = connect()) {
            return TestConfigurations.configuration().insert(connection);
        }
    }

    public static UUID sandboxCredential(UUID tenantId) throws SQLException {
        return credential(tenantId, "sandbox", "{\"target\":\"fcm-emulator\"}", null);
    }

    public static UUID fcmCredential(UUID tenantId, FcmServiceAccount account) throws SQLException {
        return credential(
                tenantId,
                "fcm",
                "{\"projectId\":\"" + account.projectId() + "\",\"clientEmail\":\"" + account.clientEmail() + "\"}",
                account.json());
    }

    public static UUID apnsCredential(UUID tenantId, ApnsAuthKey key, String topic) throws SQLException {
        return credential(
                tenantId,
                "apns",
                "{\"keyId\":\"" + key.keyId() + "\",\"teamId\":\"" + key.teamId() + "\",\"topic\":\"" + topic
                        + "\",\"environment\":\"sandbox\"}",
                key.privateKeyPem());
    }

    /** An APNs certificate credential as tenant-service writes it: the .p12 and password sealed together. */
    public static UUID apnsCertificateCredential(UUID tenantId, ApnsCertificate certificate) throws SQLException {
        return credential(
                tenantId,
                "apns",
                "{\"authentication\":\"certificate\",\"topic\":\"" + certificate.topic()
                        + "\",\"environment\":\"production\",\"expiresAt\":\"" + certificate.expiresAt() + "\"}",
                new ApnsCertificateSecret(certificate.p12(), certificate.password()).encode());
    }

    public static UUID credential(UUID tenantId, String type, String metadata, String secret) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO tenancy.credential (id, tenant_id, type, name, metadata, fingerprint, material_ciphertext)
                        VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setObject(2, tenantId);
            insert.setString(3, type);
            insert.setString(4, type + " " + id);
            insert.setString(5, metadata);
            insert.setString(6, "sha256:test");
            insert.setBytes(7, secret == null ? null : TestKeyset.cipher().seal(secret, tenantId, id));
            insert.executeUpdate();
        }
        return id;
    }

    /** Replaces a credential's material as tenant-service does: in the change's transaction, NOTIFY. */
    public static void replaceCredential(UUID tenantId, UUID id, String metadata, String secret) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (var update = connection.prepareStatement("""
                    UPDATE tenancy.credential SET metadata = ?::jsonb, material_ciphertext = ?, updated_at = now()
                    WHERE id = ?""")) {
                update.setString(1, metadata);
                update.setBytes(2, TestKeyset.cipher().seal(secret, tenantId, id));
                update.setObject(3, id);
                update.executeUpdate();
            }
            notifyChange(connection, "credential", id, tenantId);
            connection.commit();
        }
    }

    public static void notifyChange(Connection connection, String kind, UUID id, UUID tenantId) throws SQLException {
        try (var notify = connection.prepareStatement("SELECT pg_notify('pushgate_tenancy_changed', ?)")) {
            notify.setString(1, "{\"kind\":\"" + kind + "\",\"id\":\"" + id + "\",\"tenantId\":\"" + tenantId + "\"}");
            notify.execute();
        }
    }

    /** Sets a configuration's delivery settings (and tells the listeners, as tenant-service does). */
    public static void deliverySettings(
            TestConfigurations.Inserted configuration,
            UUID androidCredential,
            UUID iosCredential,
            String title,
            String body,
            long windowSeconds)
            throws SQLException {
        try (Connection connection = connect()) {
            try (var update = connection.prepareStatement("""
                    UPDATE tenancy.configuration
                       SET default_android_credential_id = ?, default_ios_credential_id = ?,
                           notification_title = ?, notification_body = ?, delivery_window_seconds = ?
                     WHERE id = ?""")) {
                update.setObject(1, androidCredential);
                update.setObject(2, iosCredential);
                update.setString(3, title);
                update.setString(4, body);
                update.setLong(5, windowSeconds);
                update.setObject(6, configuration.id());
                update.executeUpdate();
            }
            notifyChange(connection, "configuration", configuration.id(), configuration.tenantId());
        }
    }

    /** A registration row as the registration API would write it (only V1's columns). */
    public static UUID registration(
            TestConfigurations.Inserted configuration,
            String deviceToken,
            String sessionId,
            String platform,
            String provider)
            throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.registration
                            (id, tenant_id, configuration_id, device_token, session_id, customer_id, platform, provider, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, id);
            insert.setObject(2, configuration.tenantId());
            insert.setObject(3, configuration.id());
            insert.setString(4, deviceToken);
            insert.setString(5, sessionId);
            insert.setString(6, "customer-1");
            insert.setString(7, platform);
            insert.setString(8, provider);
            insert.setTimestamp(9, Timestamp.from(Instant.now().plus(Duration.ofDays(30))));
            insert.executeUpdate();
        }
        return id;
    }

    public static String fcmToken() {
        return "fcm-token-" + UUID.randomUUID();
    }

    public static String apnsToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * {@code count} notifications of {@code configuration}'s tenant for {@code sessionId}, stored as the
     * inbox stores them, due now, nobody's: their ids.
     */
    public static java.util.List<UUID> storedDue(TestConfigurations.Inserted configuration, String sessionId, int count)
            throws SQLException {
        java.util.List<UUID> ids = new java.util.ArrayList<>();
        try (Connection connection = connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification
                            (id, tenant_id, configuration_id, event_id, session_id, payload, lease_until)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, now())""")) {
            for (int i = 0; i < count; i++) {
                AxpEvent event = event(sessionId);
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setObject(2, configuration.tenantId());
                insert.setObject(3, configuration.id());
                insert.setString(4, event.eventId());
                insert.setString(5, event.sessionId());
                insert.setString(6, event.toJson());
                insert.addBatch();
                ids.add(id);
            }
            insert.executeBatch();
        }
        return ids;
    }

    public static AxpEvent event(String sessionId) {
        return new AxpEvent(
                "event-" + UUID.randomUUID(),
                sessionId,
                "conversation-" + UUID.randomUUID(),
                "customer-1",
                "2024-03-18T11:00:24.481Z",
                java.util.Map.of());
    }

    /** Posts {@code event} to the configuration's callback URL, signed as AXP signs it. */
    public static HttpResponse<String> callback(int port, TestConfigurations.Inserted configuration, AxpEvent event) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/axp/callbacks/" + configuration.callbackKey()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(
                        AxpSignature.HEADER,
                        AxpSignature.sign(configuration.secret(), event.eventId(), event.sessionId()))
                .POST(HttpRequest.BodyPublishers.ofString(event.toJson()))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The notification's status, or {@code null} when there is no such row. */
    public static String status(UUID notificationId) throws SQLException {
        try (Connection connection = connect();
                var select = connection.prepareStatement("SELECT status FROM delivery.notification WHERE id = ?")) {
            select.setObject(1, notificationId);
            try (var rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** Waits until the notification is finished (any status but accepted and retrying); answers that status. */
    public static String awaitFinished(UUID notificationId) throws Exception {
        String[] status = new String[1];
        await(Duration.ofSeconds(60), () -> {
            try {
                status[0] = status(notificationId);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return status[0] != null && !status[0].equals("accepted") && !status[0].equals("retrying");
        });
        return status[0];
    }

    public static void await(Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + atMost + "; notifications: " + summary());
            }
            Thread.sleep(25);
        }
    }

    /** The notifications by status and lease state, for a failure message. */
    public static String summary() {
        try (Connection connection = connect();
                var select = connection.prepareStatement("""
                        SELECT status, lease_owner IS NOT NULL AS owned, lease_until > now() AS leased, attempts, count(*)
                          FROM delivery.notification GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""");
                var rows = select.executeQuery()) {
            StringBuilder summary = new StringBuilder();
            while (rows.next()) {
                summary.append(String.format(
                        "%n  %s owned=%s leased=%s attempts=%d: %d",
                        rows.getString(1), rows.getBoolean(2), rows.getBoolean(3), rows.getInt(4), rows.getLong(5)));
            }
            return summary.toString();
        } catch (SQLException e) {
            return e.toString();
        }
    }

    public static UUID notificationId(HttpResponse<String> accepted) {
        String body = accepted.body();
        int start = body.indexOf("\"notificationId\":\"") + "\"notificationId\":\"".length();
        return UUID.fromString(body.substring(start, start + 36));
    }
}
