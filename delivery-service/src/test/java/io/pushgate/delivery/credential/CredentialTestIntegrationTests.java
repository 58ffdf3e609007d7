package io.pushgate.delivery.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.server.RejectionReason;
import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.api.secret.ApnsCertificateSecret;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.ApnsCertificateAuthority;
import io.pushgate.emulator.ApnsEmulator;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestHttp;
import io.pushgate.testkit.TestIssuer;
import io.pushgate.testkit.TestKeyset;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code POST /v1/credentials/{id}:test} over real HTTP, with the real firebase-admin and pushy
 * clients talking to the FCM and APNs emulators over real sockets: the provider's answer in words,
 * nothing delivered, nothing stored; only owners and admins of the credential's own tenant.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s",
            "pushgate.dispatch.enabled=false",
            "pushgate.providers.send-timeout=5s"
        })
// its emulators stop with the class: so must its context
@DirtiesContext
class CredentialTestIntegrationTests {

    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static final String TOPIC = "io.pushgate.demo";
    /** What the probes send to (ApnsChannel's and FcmChannel's PROBE_TOKEN). */
    private static final String APNS_PROBE_TOKEN = "0".repeat(64);

    private static final String FCM_PROBE_TOKEN = "pushgate-connection-test:APA91b" + "0".repeat(120);

    private static final FcmEmulator fcm = FcmEmulator.start();
    private static final ApnsEmulator apns = ApnsEmulator.start();

    @LocalServerPort
    int port;

    WebTestClient http;
    UUID tenantId;

    @DynamicPropertySource
    static void platformAndProviders(DynamicPropertyRegistry properties) {
        properties.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        properties.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
        properties.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
        properties.add("pushgate.providers.apns-server", () -> "https://localhost:" + apns.port());
        properties.add("pushgate.providers.apns-trusted-certificate", apns::serverCertificatePem);
        properties.add("pushgate.sandbox.fcm-url", () -> fcm.baseUri().toString());
        properties.add("pushgate.sandbox.access-token", () -> SANDBOX_TOKEN);
    }

    @BeforeAll
    static void acceptTheSandboxToken() {
        fcm.acceptAccessToken(SANDBOX_TOKEN);
    }

    @AfterAll
    static void stopEmulators() {
        fcm.close();
        apns.close();
        PLATFORM.close();
    }

    @BeforeEach
    void newTenant() throws SQLException {
        http = WebTestClient.bindToServer(TestHttp.unpooled())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        tenantId = tenant();
        fcm.reset();
        apns.clearRecords();
    }

    @Test
    void aValidFcmServiceAccountIsAcceptedByADryRunThatSendsNothing() throws Exception {
        FcmServiceAccount account = fcm.mintServiceAccount(project());
        UUID credential = fcmCredential(tenantId, account, account.projectId());

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isTrue();
        assertThat(test.outcome()).isEqualTo("accepted");
        assertThat(test.message()).contains(account.clientEmail()).contains(account.projectId());
        assertThat(test.hint()).isNull();
        // firebase-admin asked (validate_only), the emulator recorded nothing to deliver
        assertThat(fcm.sendAttempts(FCM_PROBE_TOKEN)).isEqualTo(1);
        assertThat(fcm.messages()).isEmpty();
        assertNothingStored(tenantId);
    }

    @Test
    void aRevokedFcmKeyIsRefusedWithWhatToDo() throws Exception {
        FcmServiceAccount account = fcm.mintServiceAccount(project());
        fcm.revokeServiceAccount(account);
        UUID credential = fcmCredential(tenantId, account, account.projectId());

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("rejected");
        assertThat(test.message())
                .contains("Google refused the service account's key")
                .contains(account.clientEmail());
        assertThat(test.hint()).contains("Generate new private key");
        assertThat(fcm.sendAttempts(FCM_PROBE_TOKEN)).isZero();
        assertNothingStored(tenantId);
    }

    @Test
    void anFcmServiceAccountOfAnotherProjectIsRefusedWithWhatToDo() throws Exception {
        FcmServiceAccount account = fcm.mintServiceAccount(project());
        String otherProject = project();
        UUID credential = fcmCredential(tenantId, account, otherProject);

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("rejected");
        assertThat(test.message()).contains("may not send messages for the Firebase project " + otherProject);
        assertThat(test.hint()).contains("Firebase Cloud Messaging API Admin");
    }

    @Test
    void aValidApnsKeyIsAcceptedBecauseApnsAnsweredBadDeviceToken() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        UUID credential = apnsCredential(tenantId, key.keyId(), key.teamId(), TOPIC, key.privateKeyPem());

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isTrue();
        assertThat(test.outcome()).isEqualTo("accepted");
        assertThat(test.message()).contains(key.keyId()).contains(key.teamId()).contains(TOPIC);
        assertThat(apns.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.reason()).isEqualTo(RejectionReason.BAD_DEVICE_TOKEN);
            assertThat(rejection.deviceToken()).isEqualTo(APNS_PROBE_TOKEN);
        });
        assertThat(apns.notifications()).isEmpty();
        assertNothingStored(tenantId);
    }

    @Test
    void anApnsKeyOfAnotherTeamIsAnInvalidProviderTokenInWords() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        UUID credential = apnsCredential(tenantId, key.keyId(), ApnsAuthKey.randomId(), TOPIC, key.privateKeyPem());

        ConnectionTest test = test(credential, admin(tenantId));

        assertInvalidProviderToken(test);
        assertThat(apns.rejections())
                .singleElement()
                .satisfies(
                        rejection -> assertThat(rejection.reason()).isEqualTo(RejectionReason.INVALID_PROVIDER_TOKEN));
    }

    @Test
    void aRevokedApnsKeyIsAnInvalidProviderTokenInWords() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        apns.revokeKey(key.keyId());
        UUID credential = apnsCredential(tenantId, key.keyId(), key.teamId(), TOPIC, key.privateKeyPem());

        assertInvalidProviderToken(test(credential, admin(tenantId)));
    }

    @Test
    void anApnsTopicTheKeyMayNotSendToIsRefusedWithWhatToDo() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        UUID credential =
                apnsCredential(tenantId, key.keyId(), key.teamId(), "com.example.elsewhere", key.privateKeyPem());

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("rejected");
        assertThat(test.message()).contains("does not let key " + key.keyId()).contains("com.example.elsewhere");
        assertThat(test.hint()).contains("bundle ID").contains(key.teamId());
        assertThat(apns.rejections())
                .singleElement()
                .satisfies(rejection -> assertThat(rejection.reason()).isEqualTo(RejectionReason.TOPIC_DISALLOWED));
    }

    @Test
    void aValidApnsCertificateIsAcceptedBecauseApnsAnsweredBadDeviceToken() throws Exception {
        ApnsCertificate certificate = apns.mintCertificate(TOPIC);
        UUID credential = apnsCertificateCredential(tenantId, certificate);

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isTrue();
        assertThat(test.outcome()).isEqualTo("accepted");
        assertThat(test.message()).contains("accepted the certificate").contains(TOPIC);
        assertThat(apns.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.reason()).isEqualTo(RejectionReason.BAD_DEVICE_TOKEN);
            assertThat(rejection.deviceToken()).isEqualTo(APNS_PROBE_TOKEN);
        });
        assertThat(apns.notifications()).isEmpty();
        assertNothingStored(tenantId);
    }

    @Test
    void anApnsCertificateApnsDoesNotTrustIsRefusedInWords() throws Exception {
        ApnsCertificate foreign = ApnsCertificateAuthority.create("Not Apple").issue(TOPIC);
        UUID credential = apnsCertificateCredential(tenantId, foreign);

        ConnectionTest test = test(credential, admin(tenantId));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).as(test.message()).isEqualTo("rejected");
        assertThat(test.message()).contains("did not accept the certificate");
        assertThat(test.hint()).contains(".p12");
        assertThat(apns.rejections())
                .as("refused at the handshake, before any request")
                .isEmpty();
    }

    @Test
    void theSandboxWorks() throws Exception {
        UUID credential = credential(tenantId, "sandbox", "{\"target\":\"fcm-emulator\"}", null);

        ConnectionTest test = test(credential, owner(tenantId));

        assertThat(test.ok()).isTrue();
        assertThat(test.outcome()).isEqualTo("accepted");
        assertThat(fcm.messages()).isEmpty();
        assertNothingStored(tenantId);
    }

    @Test
    void aViewerIsForbidden() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        UUID credential = apnsCredential(tenantId, key.keyId(), key.teamId(), TOPIC, key.privateKeyPem());
        String viewer = member(tenantId, "viewer", Scopes.TENANT_READ);

        call(credential.toString(), viewer)
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.FORBIDDEN.type().toString());
        assertThat(apns.rejections()).isEmpty();
    }

    @Test
    void withoutATokenItIsUnauthenticated() {
        http.post()
                .uri("/v1/credentials/{id}:test", UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anotherTenantsCredentialIsNotFoundLikeAnUnknownOne() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        UUID theirs = apnsCredential(tenant(), key.keyId(), key.teamId(), TOPIC, key.privateKeyPem());
        String admin = admin(tenantId);

        byte[] foreign = notFound(theirs.toString(), admin);
        byte[] unknown = notFound(UUID.randomUUID().toString(), admin);
        notFound("not-a-uuid", admin);

        assertThat(new String(foreign)).isEqualTo(new String(unknown));
        assertThat(apns.rejections()).isEmpty();
    }

    private byte[] notFound(String id, String bearer) {
        return call(id, bearer)
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.NOT_FOUND.type().toString())
                .returnResult()
                .getResponseBody();
    }

    private static void assertInvalidProviderToken(ConnectionTest test) {
        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("rejected");
        assertThat(test.message()).contains("Apple did not accept the key");
        assertThat(test.hint()).contains("Key ID").contains("Team ID").contains(".p8");
    }

    private ConnectionTest test(UUID credential, String bearer) {
        return call(credential.toString(), bearer)
                .expectStatus()
                .isOk()
                .expectBody(ConnectionTest.class)
                .returnResult()
                .getResponseBody();
    }

    private WebTestClient.ResponseSpec call(String id, String bearer) {
        return http.post()
                .uri("/v1/credentials/" + id + ":test")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange();
    }

    private static void assertNothingStored(UUID tenantId) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var count =
                        connection.prepareStatement("SELECT count(*) FROM delivery.notification WHERE tenant_id = ?")) {
            count.setObject(1, tenantId);
            try (var rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).isZero();
            }
        }
    }

    private static String admin(UUID tenantId) {
        return member(tenantId, "admin", Scopes.TENANT_READ, Scopes.TENANT_WRITE);
    }

    private static String owner(UUID tenantId) {
        return member(tenantId, "owner", Scopes.TENANT_READ, Scopes.TENANT_WRITE, Scopes.MEMBERS_WRITE);
    }

    /** A member's admin token as tenant-service mints it at sign-in. */
    private static String member(UUID tenantId, String role, String... scopes) {
        UUID memberId = UUID.randomUUID();
        return PLATFORM.token()
                .audience("pushgate")
                .subject(memberId.toString())
                .claim("tenant_id", tenantId.toString())
                .claim("member_id", memberId.toString())
                .claim("role", role)
                .scope(scopes)
                .sign();
    }

    private static String project() {
        return "project-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static UUID tenant() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
                var tenant = connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, ?)")) {
            tenant.setObject(1, id);
            tenant.setString(2, "tenant " + id);
            tenant.executeUpdate();
        }
        return id;
    }

    private static UUID fcmCredential(UUID tenantId, FcmServiceAccount account, String projectId) throws SQLException {
        return credential(
                tenantId,
                "fcm",
                "{\"projectId\":\"" + projectId + "\",\"clientEmail\":\"" + account.clientEmail() + "\"}",
                account.json());
    }

    private static UUID apnsCredential(UUID tenantId, String keyId, String teamId, String topic, String p8)
            throws SQLException {
        return credential(
                tenantId,
                "apns",
                "{\"keyId\":\"" + keyId + "\",\"teamId\":\"" + teamId + "\",\"topic\":\"" + topic
                        + "\",\"environment\":\"sandbox\"}",
                p8);
    }

    private static UUID apnsCertificateCredential(UUID tenantId, ApnsCertificate certificate) throws SQLException {
        return credential(
                tenantId,
                "apns",
                "{\"authentication\":\"certificate\",\"topic\":\"" + certificate.topic()
                        + "\",\"environment\":\"production\",\"expiresAt\":\"" + certificate.expiresAt() + "\"}",
                new ApnsCertificateSecret(certificate.p12(), certificate.password()).encode());
    }

    /** A credential as tenant-service writes it: its material sealed with this run's keyset. */
    private static UUID credential(UUID tenantId, String type, String metadata, String secret) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = TestDatabase.get().connect();
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
}
