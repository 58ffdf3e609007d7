package io.pushgate.tenant.keyset;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.secret.KeysetEdits;
import io.pushgate.api.secret.KeysetEdits.Edited;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.Api;
import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.tenant.TestCredentials;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import io.pushgate.testkit.TestPlatformInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The operator's side of a keyset rotation on tenant-service: the keyset file is re-read while the
 * service runs, {@code GET /v1/operator/keyset} counts what each key seals, {@code POST
 * /v1/operator/keyset:reseal} moves every stored ciphertext (every column of {@link SealedColumn})
 * to the primary, and the old key can then go. The test puts the run's keyset back at the end (other
 * classes of this JVM open rows with it).
 */
@ControlPlaneTest
@TestPropertySource(
        properties = {
            TestPlatformInitializer.KEYSET_FILE + "=target/keyset-reseal-test/keyset.json",
            "pushgate.keyset.reload-interval=100ms",
            "pushgate.operator-token=" + KeysetReSealIntegrationTests.OPERATOR_TOKEN
        })
class KeysetReSealIntegrationTests {

    static final String OPERATOR_TOKEN = "operator-token-for-the-keyset-tests-0123456789";
    private static final Path FILE = keysetFile();
    private static final Duration RELOADED = Duration.ofSeconds(30);

    @Autowired
    Api api;

    @AfterEach
    void putTheRunsKeysetBack() throws Exception {
        long original = TestKeyset.cipher().keyIds().primary();
        String current = Files.readString(FILE);
        if (KeysetEdits.keyIds(current)
                .keyIds()
                .equals(TestKeyset.cipher().keyIds().keyIds())) {
            return;
        }
        if (!KeysetEdits.keyIds(current).keyIds().contains(original)) {
            throw new AssertionError("the run's key was retired: other test classes cannot open their rows");
        }
        write(KeysetEdits.promote(current, original).json());
        awaitKeyset(view -> view.get("primaryKeyId").asLong() == original);
        Api.json(api.postEmpty(OPERATOR_TOKEN, "/v1/operator/keyset:reseal"), 200);
        write(TestKeyset.json());
        awaitKeyset(view -> view.get("keys").size() == 1);
    }

    @Test
    void everyStoredSecretIsReSealedUnderTheNewPrimaryAndTheOldKeyCanThenBeRetired() throws Exception {
        Api.Tenant tenant = api.tenant();
        String configuration = api.configuration(tenant.token(), "Rotated");
        api.postEmpty(tenant.token(), "/v1/configurations/" + configuration + "/secret:rotate")
                .expectStatus()
                .isOk();
        api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(TestCredentials.p8Key()));
        long old = TestKeyset.cipher().keyIds().primary();

        JsonNode before = keyset();
        assertThat(before.get("primaryKeyId").asLong()).isEqualTo(old);
        assertThat(before.get("notUnderPrimary").asLong()).isZero();
        assertThat(before.get("keys").get(0).get("sealed").asLong())
                .as("configuration secret and previous secret, credential, signing key at least")
                .isGreaterThanOrEqualTo(4);

        // (a) a new key, not primary: every instance reloads it and opens with both
        Edited added = KeysetEdits.add(Files.readString(FILE));
        write(added.json());
        JsonNode twoKeys = awaitKeyset(view -> view.get("keys").size() == 2);
        assertThat(twoKeys.get("primaryKeyId").asLong()).isEqualTo(old);
        assertThat(key(twoKeys, added.keyId()).get("retirable").asBoolean()).isTrue();
        assertThat(key(twoKeys, old).get("retirable").asBoolean()).isFalse();

        // (b) it becomes primary: new seals use it, old ciphertexts still open
        write(KeysetEdits.promote(added.json(), added.keyId()).json());
        JsonNode promoted = awaitKeyset(view -> view.get("primaryKeyId").asLong() == added.keyId());
        long underOld = promoted.get("notUnderPrimary").asLong();
        assertThat(underOld).isGreaterThanOrEqualTo(4);
        String fresh = api.configuration(tenant.token(), "Sealed with the new key");
        assertThat(sealedWith(added.keyId(), "tenancy.configuration", "secret_ciphertext", fresh))
                .isTrue();

        // (c) the re-seal
        JsonNode resealed = Api.json(api.postEmpty(OPERATOR_TOKEN, "/v1/operator/keyset:reseal?batchSize=2"), 200);
        assertThat(resealed.get("pass").get("resealed").asLong()).isEqualTo(underOld);
        assertThat(resealed.get("pass").get("unreadable").asLong()).isZero();
        assertThat(resealed.get("keyset").get("notUnderPrimary").asLong()).isZero();
        assertThat(key(resealed.get("keyset"), old).get("sealed").asLong()).isZero();
        assertThat(key(resealed.get("keyset"), old).get("retirable").asBoolean())
                .isTrue();
        for (SealedColumn column : SealedColumn.ALL) {
            assertThat(countWithPrefix(column, old)).as(column.name()).isZero();
        }
        JsonNode again = Api.json(api.postEmpty(OPERATOR_TOKEN, "/v1/operator/keyset:reseal"), 200);
        assertThat(again.get("pass").get("examined").asLong())
                .as("a second pass has nothing to do")
                .isZero();

        // (d) the old key retired: everything still opens
        String bothKeys = Files.readString(FILE);
        write(KeysetEdits.retire(bothKeys, old).json());
        JsonNode retired = awaitKeyset(view -> view.get("keys").size() == 1);
        assertThat(retired.get("unknownKeys").size()).isZero();
        assertThat(api.login(tenant.email(), tenant.password())).isNotBlank();
        Api.json(api.postEmpty(tenant.token(), "/v1/configurations/" + configuration + "/secret:rotate"), 200);
        // the run's key back in the file, for the clean-up (it re-seals everything under it)
        write(bothKeys);
        awaitKeyset(view -> view.get("keys").size() == 2);
    }

    @Test
    void aChangedKeysetFileThatIsNotAKeysetIsRefusedAndTheOldOneStays() throws Exception {
        String original = Files.readString(FILE);
        try {
            refusedWhileKept();
        } finally {
            Files.writeString(FILE, original);
        }
    }

    private void refusedWhileKept() throws Exception {
        Files.writeString(FILE, "{\"primaryKeyId\": 7, \"key\": [{\"keyData\": {\"value\": \"c2VjcmV0\"}}]}");
        Pattern refused = Pattern.compile("pushgate_keyset_reloads_total\\{[^}]*outcome=\"refused\"[^}]*} [1-9]");
        await(
                () -> api.http
                        .get()
                        .uri("/actuator/prometheus")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody(),
                metrics -> refused.matcher(metrics).find());
        JsonNode view = keyset();
        assertThat(view.get("keys").size()).isEqualTo(1);
        assertThat(view.get("primaryKeyId").asLong())
                .isEqualTo(TestKeyset.cipher().keyIds().primary());
        Api.Tenant tenant = api.tenant();
        assertThat(api.configuration(tenant.token(), "Sealed with the keyset in use"))
                .isNotBlank();
    }

    @Test
    void theOperatorApiRefusesABadBatchSizeAndAnyoneButTheOperator() {
        for (String size : new String[] {"0", "10001", "many"}) {
            JsonNode problem =
                    Api.json(api.postEmpty(OPERATOR_TOKEN, "/v1/operator/keyset:reseal?batchSize=" + size), 400);
            assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
        }
        Api.Tenant tenant = api.tenant();
        api.get(tenant.token(), "/v1/operator/keyset").expectStatus().isUnauthorized();
        api.postEmpty(tenant.token(), "/v1/operator/keyset:reseal")
                .expectStatus()
                .isUnauthorized();
    }

    private JsonNode keyset() {
        return Api.json(api.get(OPERATOR_TOKEN, "/v1/operator/keyset"), 200);
    }

    private JsonNode awaitKeyset(Predicate<JsonNode> condition) {
        return await(this::keyset, condition);
    }

    /** Polls until {@code condition} holds, for at most {@link #RELOADED}; answers what held. */
    private static <T> T await(Supplier<T> read, Predicate<T> condition) {
        long until = System.nanoTime() + RELOADED.toNanos();
        T last = read.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + RELOADED + ": " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    private static JsonNode key(JsonNode view, long keyId) {
        for (JsonNode key : view.get("keys")) {
            if (key.get("keyId").asLong() == keyId) {
                return key;
            }
        }
        throw new AssertionError("no key " + keyId + " in " + view);
    }

    private static long countWithPrefix(SealedColumn column, long keyId) throws Exception {
        try (var connection = TestDatabase.get().connect();
                var query = connection.prepareStatement("SELECT count(*) FROM " + column.table() + " WHERE substring("
                        + column.column() + " from 1 for 5) = ?")) {
            query.setBytes(1, SecretCipher.prefixOf(keyId));
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static boolean sealedWith(long keyId, String table, String column, String id) throws Exception {
        try (var connection = TestDatabase.get().connect();
                var query = connection.prepareStatement(
                        "SELECT substring(" + column + " from 1 for 5) = ? FROM " + table + " WHERE id = ?::uuid")) {
            query.setBytes(1, SecretCipher.prefixOf(keyId));
            query.setString(2, id);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static void write(String json) throws IOException {
        Path next = FILE.resolveSibling("keyset.json.next");
        Files.writeString(next, json);
        Files.move(
                next,
                FILE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path keysetFile() {
        try {
            Path file = Path.of("target/keyset-reseal-test/keyset.json");
            Files.createDirectories(file.getParent());
            return Files.writeString(file, TestKeyset.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
