package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.secret.KeysetEdits;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsEmulator;
import io.pushgate.emulator.ApnsNotification;
import io.pushgate.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The keyset rotation drill (docs/OPERATIONS.md, "Rotating the keyset"; docs/RELIABILITY.md): the
 * whole platform as {@code ./pushgate up} runs it, with its {@code keyset.json}, a tenant with a
 * rotated configuration secret (so a previous secret too), a sandbox and an APNs credential, an
 * Android device on the sandbox in one session and an iOS device on APNs in another (a notification
 * goes to its session's device), and callbacks signed with the current secret sent to both sessions
 * without a pause while the keyset goes through the four steps — {@code ./pushgate keyset add}, {@code
 * promote}, {@code POST /v1/operator/keyset:reseal}, {@code ./pushgate keyset retire} — each taken by
 * both services by re-reading the file, without a restart. Every callback of every step answers 202 and
 * is pushed exactly once, to its session's device through its provider and nowhere else; after the
 * re-seal no {@code *_ciphertext} column of the database (found in the catalog, so a new one is
 * covered) holds a ciphertext of the old key; after the retirement every secret still opens.
 */
class KeysetRotationIntegrationTests {

    private static final String OPERATOR_TOKEN = "operator-token-of-the-keyset-drill-0123456789";
    private static final String TOPIC = "com.example.rotation";
    private static final String ANDROID_SESSION = "session-android";
    private static final String IOS_SESSION = "session-ios";
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void callbacksAndDeliveriesKeepWorkingThroughARotationAndNothingStaysSealedWithTheRetiredKey() throws Exception {
        try (ApnsEmulator apns = ApnsEmulator.start()) {
            ApnsAuthKey apnsKey = apns.mintAuthKey("TEAM123456", TOPIC);
            Map<String, List<String>> arguments = Map.of(
                    "tenant-service",
                    List.of("--pushgate.keyset.reload-interval=200ms", "--pushgate.operator-token=" + OPERATOR_TOKEN),
                    "delivery-service",
                    List.of(
                            "--pushgate.keyset.reload-interval=200ms",
                            "--pushgate.providers.apns-server=https://localhost:" + apns.port(),
                            "--pushgate.providers.apns-trusted-certificate=" + apns.serverCertificatePem()));
            try (PortalPlatform platform = PortalPlatform.start(arguments)) {
                database = platform.database;
                drill(platform, apns, apnsKey);
            }
        }
    }

    private void drill(PortalPlatform platform, ApnsEmulator apns, ApnsAuthKey apnsKey) throws Exception {
        Path keysetFile = platform.home.resolve(HomeSecrets.KEYSET_FILE);
        String tenantUrl = "http://localhost:" + platform.tenantPort;
        String deliveryUrl = "http://localhost:" + platform.deliveryPort;
        String token = platform.login(platform.signUp());

        // the tenant: a configuration whose secret was rotated once, a sandbox and an APNs credential
        JsonNode configuration = JSON.readTree(PortalPlatform.send(
                "POST", tenantUrl + "/v1/configurations", token, "{\"name\":\"Rotation drill\"}", 201));
        String configurationId = configuration.get("id").asString();
        String previousSecret = configuration.get("secret").asString();
        String secret = JSON.readTree(PortalPlatform.send(
                        "POST",
                        tenantUrl + "/v1/configurations/" + configurationId + "/secret:rotate",
                        token,
                        null,
                        200))
                .get("secret")
                .asString();
        String sandbox = JSON.readTree(PortalPlatform.send(
                        "POST",
                        tenantUrl + "/v1/credentials",
                        token,
                        "{\"type\":\"sandbox\",\"name\":\"Sandbox\"}",
                        201))
                .get("id")
                .asString();
        Map<String, Object> apnsBody = new HashMap<>();
        apnsBody.put("type", "apns");
        apnsBody.put("name", "iOS");
        apnsBody.put("p8Key", apnsKey.privateKeyPem());
        apnsBody.put("keyId", apnsKey.keyId());
        apnsBody.put("teamId", apnsKey.teamId());
        apnsBody.put("topic", TOPIC);
        apnsBody.put("environment", "sandbox");
        String apnsCredential = JSON.readTree(PortalPlatform.send(
                        "POST", tenantUrl + "/v1/credentials", token, JSON.writeValueAsString(apnsBody), 201))
                .get("id")
                .asString();
        PortalPlatform.send(
                "PATCH",
                tenantUrl + "/v1/configurations/" + configurationId,
                token,
                "{\"defaultCredentials\":{\"android\":\"" + sandbox + "\",\"ios\":\"" + apnsCredential + "\"}}",
                200);

        String androidDevice = "rotation-android-" + UUID.randomUUID();
        String iosDevice =
                HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), 0, 32);
        apns.registerDevice(TOPIC, iosDevice);
        String callbackKey;
        UUID tenantId;
        try (Connection database = database()) {
            try (var query = database.prepareStatement(
                    "SELECT callback_key, tenant_id FROM tenancy.configuration WHERE id = ?::uuid")) {
                query.setString(1, configurationId);
                try (var rows = query.executeQuery()) {
                    rows.next();
                    callbackKey = rows.getString(1);
                    tenantId = rows.getObject(2, UUID.class);
                }
            }
            // one device per session: a notification goes to its session's (newest) registration
            for (String[] device : new String[][] {
                {androidDevice, ANDROID_SESSION, "android", "fcm"}, {iosDevice, IOS_SESSION, "ios", "apns"}
            }) {
                try (var insert = database.prepareStatement(
                        "INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,"
                                + " platform, provider, expires_at) VALUES (?, ?, ?::uuid, ?, ?, ?, ?,"
                                + " now() + interval '1 day')")) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, tenantId);
                    insert.setString(3, configurationId);
                    insert.setString(4, device[0]);
                    insert.setString(5, device[1]);
                    insert.setString(6, device[2]);
                    insert.setString(7, device[3]);
                    insert.executeUpdate();
                }
            }
        }

        // callbacks without a pause to each session, signed with the current secret, from now to the end
        String callbackUrl = deliveryUrl + "/axp/callbacks/" + callbackKey;
        Callbacks android = new Callbacks(callbackUrl, secret, ANDROID_SESSION);
        Callbacks ios = new Callbacks(callbackUrl, secret, IOS_SESSION);
        Callbacks callbacks = new Callbacks.Both(android, ios);
        List<String> withPreviousAccepted = new ArrayList<>();
        ScheduledExecutorService sender = Executors.newScheduledThreadPool(2);
        sender.scheduleWithFixedDelay(android::sendOne, 0, 200, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(ios::sendOne, 100, 200, TimeUnit.MILLISECONDS);
        try {
            step("before", android, ios);
            callbacks.awaitMore(5);
            long old = KeysetEdits.keyIds(Files.readString(keysetFile)).primary();
            Map<String, String> environment =
                    Map.of("PUSHGATE_OPERATOR_TOKEN", OPERATOR_TOKEN, "PUSHGATE_TENANT_URL", tenantUrl);

            // (a) a new key, not primary: both services reload and open with both
            step("add", android, ios);
            String added = keyset(environment, keysetFile, 0, "add");
            long next = Long.parseLong(match("added key (\\d+)", added));
            assertThat(KeysetEdits.keyIds(Files.readString(keysetFile)).primary())
                    .isEqualTo(old);
            awaitMetric(tenantUrl, "pushgate_keyset_keys", 2);
            awaitMetric(deliveryUrl, "pushgate_keyset_keys", 2);
            callbacks.awaitMore(5);

            // (b) it becomes primary
            step("promote", android, ios);
            keyset(environment, keysetFile, 0, "promote", Long.toString(next));
            awaitMetric(tenantUrl, "pushgate_keyset_primary_key_id", next);
            awaitMetric(deliveryUrl, "pushgate_keyset_primary_key_id", next);
            callbacks.awaitMore(5);
            String refused = keyset(environment, keysetFile, 1, "retire", Long.toString(old));
            assertThat(refused).as("retiring a key that still seals is refused").contains("still sealed with it");

            // (c) the re-seal
            step("reseal", android, ios);
            JsonNode resealed = JSON.readTree(PortalPlatform.send(
                    "POST", tenantUrl + "/v1/operator/keyset:reseal?batchSize=3", OPERATOR_TOKEN, null, 200));
            assertThat(resealed.get("pass").get("resealed").asLong())
                    .as("configuration secret and previous secret, APNs credential, signing key")
                    .isGreaterThanOrEqualTo(4);
            JsonNode view = JSON.readTree(
                    PortalPlatform.send("GET", tenantUrl + "/v1/operator/keyset", OPERATOR_TOKEN, null, 200));
            assertThat(view.get("notUnderPrimary").asLong()).isZero();
            for (JsonNode key : view.get("keys")) {
                if (key.get("keyId").asLong() == old) {
                    assertThat(key.get("sealed").asLong()).isZero();
                    assertThat(key.get("retirable").asBoolean()).isTrue();
                }
            }
            assertThat(ciphertextsWithPrefix(old))
                    .as("ciphertexts of the old key, per column")
                    .isEmpty();
            callbacks.awaitMore(5);

            // (d) the old key retired
            step("retire", android, ios);
            keyset(environment, keysetFile, 0, "retire", Long.toString(old));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysetFile)))
                    .isEqualTo("rw-------");
            awaitMetric(tenantUrl, "pushgate_keyset_keys", 1);
            awaitMetric(deliveryUrl, "pushgate_keyset_keys", 1);
            callbacks.awaitMore(5);

            // everything still opens with the new key alone: delivery-service reads the configuration
            // again (a change evicts its cache) and opens both secrets; tenant-service signs in
            PortalPlatform.send(
                    "PATCH",
                    tenantUrl + "/v1/configurations/" + configurationId,
                    token,
                    "{\"name\":\"Rotation drill, after\"}",
                    200);
            step("after", android, ios);
            Callbacks withPrevious = new Callbacks(callbackUrl, previousSecret, IOS_SESSION);
            withPrevious.step = "after";
            await("a callback signed with the previous secret is accepted after the retirement", () -> {
                withPrevious.sendOne();
                return !withPrevious.accepted.isEmpty();
            });
            callbacks.awaitMore(5);
            assertThat(platform.login(platform.signUp())).isNotBlank();
            assertThat(withPrevious.refused)
                    .as("the previous secret opened at once")
                    .isEmpty();
            withPreviousAccepted.addAll(withPrevious.accepted.keySet());
            assertThat(ciphertextsWithPrefix(old))
                    .as("ciphertexts of the retired key, per column, after the retirement and its traffic")
                    .isEmpty();
        } finally {
            sender.shutdown();
            assertThat(sender.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(android.refused)
                .as("every callback to the Android session answered 202")
                .isEmpty();
        assertThat(ios.refused)
                .as("every callback to the iOS session answered 202")
                .isEmpty();
        for (String step : List.of("before", "add", "promote", "reseal", "retire", "after")) {
            assertThat(android.acceptedIn(step))
                    .as("Android callbacks accepted in step " + step)
                    .isNotEmpty();
            assertThat(ios.acceptedIn(step))
                    .as("iOS callbacks accepted in step " + step)
                    .isNotEmpty();
        }
        List<String> androidAccepted = new ArrayList<>(android.accepted.keySet());
        List<String> iosAccepted = new ArrayList<>(ios.accepted.keySet());
        iosAccepted.addAll(withPreviousAccepted);
        assertThat(androidAccepted.size() + iosAccepted.size()).isGreaterThanOrEqualTo(30);
        URI sandboxMessages =
                URI.create(platform.sandboxUrl() + "/emulator/fcm/messages?limit=10000&projectId=sandbox-" + tenantId);
        await(
                () -> "every accepted callback pushed to its session's device: sandbox "
                        + sandboxPushes(sandboxMessages, androidDevice).size() + " of " + androidAccepted.size()
                        + ", APNs " + apnsPushes(apns, iosDevice).size() + " of " + iosAccepted.size()
                        + " (APNs rejections: " + apns.rejections() + ")",
                Duration.ofMinutes(4),
                () -> sandboxPushes(sandboxMessages, androidDevice).keySet().containsAll(androidAccepted)
                        && apnsPushes(apns, iosDevice).keySet().containsAll(iosAccepted));
        Thread.sleep(2_000); // a second push of any of them would come now, not later: the sends are done
        Map<String, Integer> sandboxPushes = sandboxPushes(sandboxMessages, null);
        Map<String, Integer> iosPushes = apnsPushes(apns, iosDevice);
        for (String eventId : androidAccepted) {
            assertThat(sandboxPushes.get(eventId))
                    .as("sandbox pushes of " + eventId + " (Android session, step " + android.accepted.get(eventId)
                            + ")")
                    .isEqualTo(1);
        }
        for (String eventId : iosAccepted) {
            assertThat(iosPushes.get(eventId))
                    .as("APNs pushes of " + eventId + " (iOS session, step " + ios.accepted.get(eventId) + ")")
                    .isEqualTo(1);
        }
        assertThat(sandboxPushes.keySet())
                .as("the sandbox got the Android session's callbacks only")
                .containsExactlyInAnyOrderElementsOf(androidAccepted);
        assertThat(sandboxPushes(sandboxMessages, androidDevice))
                .as("every sandbox push to the Android device")
                .isEqualTo(sandboxPushes);
        assertThat(iosPushes.keySet())
                .as("APNs got the iOS session's callbacks only")
                .containsExactlyInAnyOrderElementsOf(iosAccepted);
        System.out.println("keyset rotation drill: " + androidAccepted.size() + " callbacks to the Android session, "
                + iosAccepted.size() + " to the iOS session (" + withPreviousAccepted.size()
                + " signed with the previous secret), 0 refused, in steps " + android.countsByStep() + " / "
                + ios.countsByStep() + "; each pushed exactly once, to its session's device only");
    }

    /** From now on, both senders' callbacks count as sent during {@code step}. */
    private static void step(String step, Callbacks... senders) {
        for (Callbacks sender : senders) {
            sender.step = step;
        }
    }

    /** The sandbox's pushes of the tenant's project by eventId (to {@code deviceToken} only, unless null). */
    private static Map<String, Integer> sandboxPushes(URI messages, String deviceToken) {
        Map<String, Integer> pushes = new HashMap<>();
        JsonNode page = JSON.readTree(get(messages));
        assertThat(page.path("nextBefore").isNull())
                .as("every sandbox message on one page")
                .isTrue();
        for (JsonNode item : page.path("items")) {
            if (deviceToken == null
                    || deviceToken.equals(item.path("deviceToken").asString())) {
                pushes.merge(item.path("message").path("data").path("eventId").asString(), 1, Integer::sum);
            }
        }
        return pushes;
    }

    /** The APNs emulator's pushes to {@code deviceToken} by eventId (a custom key of the payload). */
    private static Map<String, Integer> apnsPushes(ApnsEmulator apns, String deviceToken) {
        Map<String, Integer> pushes = new HashMap<>();
        for (ApnsNotification notification : apns.notificationsTo(deviceToken)) {
            pushes.merge(notification.payloadJson().path("eventId").asString(), 1, Integer::sum);
        }
        return pushes;
    }

    /** Runs {@code ./pushgate keyset …} on the file; answers its output, having checked its exit status. */
    private static String keyset(Map<String, String> environment, Path file, int status, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--file");
        all.add(file.toString());
        int exit = KeysetCommand.run(
                all,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isEqualTo(status);
        assertThat(output).doesNotContain("\"value\"");
        return output;
    }

    /** Every {@code *_ciphertext} column of the database (the catalog's) and its ciphertexts of {@code keyId}. */
    private static Map<String, Long> ciphertextsWithPrefix(long keyId) throws Exception {
        Map<String, Long> found = new HashMap<>();
        try (Connection database = database()) {
            List<String[]> columns = new ArrayList<>();
            try (var query = database.prepareStatement(
                            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
                                    + " WHERE column_name LIKE '%ciphertext' AND data_type = 'bytea'");
                    var rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
                }
            }
            assertThat(columns).as("the sealed columns").hasSizeGreaterThanOrEqualTo(4);
            for (String[] column : columns) {
                try (var query = database.prepareStatement("SELECT count(*) FROM " + column[0] + "." + column[1]
                        + " WHERE substring(" + column[2] + " from 1 for 5) = ?")) {
                    query.setBytes(1, SecretCipher.prefixOf(keyId));
                    try (var rows = query.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) > 0) {
                            found.put(column[1] + "." + column[2], rows.getLong(1));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static TestDatabase database;

    private static Connection database() throws Exception {
        return database.connect();
    }

    private static void awaitMetric(String base, String name, long value) {
        Pattern line = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$");
        await(base + " " + name + " = " + value, () -> {
            Matcher matcher = line.matcher(get(URI.create(base + "/actuator/prometheus")));
            return matcher.find() && (long) Double.parseDouble(matcher.group(2)) == value;
        });
    }

    private static String match(String regex, String text) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    private static String get(URI uri) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            throw new AssertionError(uri + ": " + e, e);
        }
    }

    /** Waits for {@code condition}, checking it again and again for at most {@link #WITHIN}. */
    private static void await(String what, BooleanSupplier condition) {
        await(() -> what, WITHIN, condition);
    }

    private static void await(Supplier<String> what, Duration within, BooleanSupplier condition) {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + within + ": " + what.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Signed callbacks to one session of one configuration, one at a time, each with a new event id. */
    private static class Callbacks {

        final String url;
        final String secret;
        final String session;
        /** eventId → the rotation step it was sent in. */
        final Map<String, String> accepted = new ConcurrentHashMap<>();

        final Set<String> refused = ConcurrentHashMap.newKeySet();
        final AtomicLong count = new AtomicLong();
        volatile String step = "before";

        Callbacks(String url, String secret, String session) {
            this.url = url;
            this.secret = secret;
            this.session = session;
        }

        void sendOne() {
            String eventId = "rotation-" + UUID.randomUUID();
            String sentIn = step;
            try {
                HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(20))
                                .header("Content-Type", "application/json")
                                .header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, session))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + session + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    accepted.put(eventId, sentIn);
                } else {
                    refused.add(eventId + " " + answer.statusCode() + " " + answer.body());
                }
            } catch (Exception e) {
                refused.add(eventId + " " + e);
            }
            count.incrementAndGet();
        }

        List<String> acceptedIn(String wanted) {
            return accepted.entrySet().stream()
                    .filter(entry -> entry.getValue().equals(wanted))
                    .map(Map.Entry::getKey)
                    .toList();
        }

        Map<String, Long> countsByStep() {
            Map<String, Long> counts = new java.util.TreeMap<>();
            accepted.values().forEach(sentIn -> counts.merge(sentIn, 1L, Long::sum));
            return counts;
        }

        /** Waits until {@code more} callbacks more were sent, so that each step runs under traffic. */
        void awaitMore(int more) {
            long target = count.get() + more;
            await(more + " more callbacks to " + session, () -> count.get() >= target);
        }

        /** Both sessions' senders: waits for more of each. */
        static final class Both extends Callbacks {

            private final Callbacks[] senders;

            Both(Callbacks... senders) {
                super(senders[0].url, senders[0].secret, "both sessions");
                this.senders = senders;
            }

            @Override
            void awaitMore(int more) {
                for (Callbacks sender : senders) {
                    sender.awaitMore(more);
                }
            }
        }
    }
}
