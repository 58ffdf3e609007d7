package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.RawHttp;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.callbacklog.RefusalLines;
import io.pushgate.testkit.ClientsGoingAway;
import io.pushgate.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every answer of {@code POST /axp/callbacks/{callbackKey}}, sent for real, checked in the table too. */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // a change must reach the cache through NOTIFY: the TTL alone would take an hour
            "pushgate.configuration.cache-ttl=1h"
        })
class CallbackIngressIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    Callbacks callbacks;
    TestConfigurations.Inserted configuration;

    @BeforeEach
    void newConfiguration() throws SQLException {
        callbacks = new Callbacks(port);
        configuration = insert(TestConfigurations.configuration());
    }

    @Test
    void acceptsAnAuthenticEventWithA202AfterItsRowIsCommitted() throws Exception {
        AxpEvent event = new AxpEvent(
                UUID.randomUUID().toString(),
                "session-" + UUID.randomUUID(),
                "conversation-1",
                "customer-1",
                "2024-03-18T11:00:24.481Z",
                Map.of());

        HttpResponse<String> response =
                callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("status").stringValue()).isEqualTo("accepted");
        Map<String, String> row = row(event.eventId());
        assertThat(row)
                .containsEntry("id", answer.get("notificationId").stringValue())
                .containsEntry("tenant_id", configuration.tenantId().toString())
                .containsEntry("configuration_id", configuration.id().toString())
                .containsEntry("session_id", event.sessionId())
                .containsEntry("status", "accepted");
        assertThat(JSON.readTree(row.get("payload")).get("eventDate").stringValue())
                .isEqualTo("2024-03-18T11:00:24.481Z");
    }

    /**
     * This context does not dispatch ({@code pushgate.dispatch.enabled=false}): the inbox's lease on a
     * new row goes back at once, so a dispatching instance's sweep takes it without waiting for the
     * lease to end.
     */
    @Test
    void anInstanceThatDoesNotDispatchGivesNewRowsBackAtOnce() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "session-" + UUID.randomUUID());

        HttpResponse<String> response =
                callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());

        assertThat(response.statusCode()).isEqualTo(202);
        String lease = "";
        for (int i = 0; i < 100 && !lease.equals("free"); i++) {
            Thread.sleep(50);
            try (Connection connection = TestDatabase.get().connect();
                    var query = connection.prepareStatement("""
                            SELECT CASE WHEN lease_owner IS NULL AND lease_until <= now() THEN 'free' ELSE 'held' END
                              FROM delivery.notification WHERE event_id = ?""")) {
                query.setString(1, event.eventId());
                try (var rows = query.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    lease = rows.getString(1);
                }
            }
        }
        assertThat(lease).isEqualTo("free");
    }

    @Test
    void takesTheSignatureInEitherHexCaseAndUnderAnyHeaderNameCase() throws Exception {
        AxpEvent lower = AxpEvent.of(UUID.randomUUID().toString(), "s-1");
        AxpEvent upper = AxpEvent.of(UUID.randomUUID().toString(), "s-1");

        assertThat(send("x-HMAC", upper.signature(configuration.secret()).toUpperCase(Locale.ROOT), upper)
                        .statusCode())
                .isEqualTo(202);
        assertThat(send("X-HMAC", lower.signature(configuration.secret()), lower)
                        .statusCode())
                .isEqualTo(202);
        assertThat(count(upper.eventId()) + count(lower.eventId())).isEqualTo(2);
    }

    /**
     * The partitioned table cannot hold (tenant_id, event_id) unique across days: the dedup table
     * does, so a duplicate of yesterday's event, whose row lies in yesterday's partition, is still one.
     */
    @Test
    void answersADuplicateWith200AcrossAPartitionBoundary() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-dup-yesterday");
        String signature = event.signature(configuration.secret());
        HttpResponse<String> first = callbacks.post(configuration.callbackKey(), signature, event.toJson());
        assertThat(first.statusCode()).isEqualTo(202);
        String yesterday;
        try (Connection connection = TestDatabase.get().connect();
                var statement = connection.createStatement()) {
            statement.execute(
                    "SELECT delivery.create_day_partitions(((now() AT TIME ZONE 'UTC') - interval '1 day')::date)");
            // the first row as if it had come yesterday: moved into yesterday's partition, its key as old
            statement.executeUpdate("UPDATE delivery.notification SET received_at = received_at - interval '1 day'"
                    + " WHERE event_id = '" + event.eventId() + "'");
            statement.executeUpdate(
                    "UPDATE delivery.notification_dedup SET received_at = received_at - interval '1 day'"
                            + " WHERE event_id = '" + event.eventId() + "'");
            try (var rows = statement.executeQuery("SELECT tableoid::regclass::text,"
                    + " 'delivery.notification_p' || to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYYMMDD')"
                    + " FROM delivery.notification WHERE event_id = '" + event.eventId() + "'")) {
                assertThat(rows.next()).isTrue();
                yesterday = rows.getString(2);
                assertThat(rows.getString(1)).isEqualTo(yesterday);
            }
        }

        HttpResponse<String> second = callbacks.post(configuration.callbackKey(), signature, event.toJson());

        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(second.body());
        assertThat(answer.get("status").stringValue()).isEqualTo("duplicate");
        assertThat(answer.get("notificationId").stringValue())
                .isEqualTo(JSON.readTree(first.body()).get("notificationId").stringValue());
        assertThat(count(event.eventId())).isEqualTo(1);
    }

    @Test
    void answersADuplicateWith200AndTheFirstRowsIdWithoutWritingAgain() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-dup");
        String signature = event.signature(configuration.secret());

        HttpResponse<String> first = callbacks.post(configuration.callbackKey(), signature, event.toJson());
        HttpResponse<String> second = callbacks.post(configuration.callbackKey(), signature, event.toJson());

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(second.body());
        assertThat(answer.get("status").stringValue()).isEqualTo("duplicate");
        assertThat(answer.get("notificationId").stringValue())
                .isEqualTo(JSON.readTree(first.body()).get("notificationId").stringValue());
        assertThat(count(event.eventId())).isEqualTo(1);
    }

    @Test
    void answersFiftyConcurrentCopiesOfAnEventWithOne202AndOneRow() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-concurrent");
        String signature = event.signature(configuration.secret());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(50);
        try {
            for (int i = 0; i < 50; i++) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return callbacks.post(configuration.callbackKey(), signature, event.toJson());
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                statuses.add(response.statusCode());
                ids.add(JSON.readTree(response.body()).get("notificationId").stringValue());
            }
            assertThat(statuses)
                    .containsOnly(200, 202)
                    .filteredOn(status -> status == 202)
                    .hasSize(1);
            assertThat(ids).containsOnly(row(event.eventId()).get("id"));
        } finally {
            threads.shutdownNow();
        }
        assertThat(count(event.eventId())).isEqualTo(1);
    }

    @Test
    void refusesEveryBadSignatureWith401AndWritesNothing() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-sig");
        String good = event.signature(configuration.secret());
        Map<String, String> badSignatures = new HashMap<>();
        badSignatures.put("empty", "");
        badSignatures.put("odd length", good.substring(1));
        badSignatures.put("not hex", "z" + good.substring(1));
        badSignatures.put("wrong secret", event.signature("not-the-secret"));
        badSignatures.put(
                "over another sessionId", AxpSignature.sign(configuration.secret(), event.eventId(), "s-other"));
        badSignatures.put(
                "over eventId and sessionId swapped",
                AxpSignature.sign(configuration.secret(), "s-sig", event.eventId()));

        assertProblem(
                callbacks.post(configuration.callbackKey(), null, event.toJson()),
                401,
                CallbackProblem.INVALID_SIGNATURE.type());
        badSignatures.forEach((name, signature) -> assertProblem(
                callbacks.post(configuration.callbackKey(), signature, event.toJson()),
                401,
                CallbackProblem.INVALID_SIGNATURE.type()));

        assertThat(count(event.eventId())).isZero();
        assertThat(callbacks.get("/actuator/prometheus").body())
                .containsPattern("pushgate_callback_signature_failures_total\\{configuration=\"" + configuration.id()
                        + "\"} 7\\.0");
    }

    @Test
    void acceptsThePreviousSecretOnlyInsideItsGraceWindow() throws Exception {
        var rotating = insert(TestConfigurations.configuration()
                .secret("new-secret")
                .previousSecret("old-secret", Instant.now().plus(Duration.ofHours(1))));
        var rotated = insert(TestConfigurations.configuration()
                .secret("new-secret")
                .previousSecret("old-secret", Instant.now().minus(Duration.ofSeconds(1))));
        AxpEvent inside = AxpEvent.of(UUID.randomUUID().toString(), "s-rot");
        AxpEvent after = AxpEvent.of(UUID.randomUUID().toString(), "s-rot");

        assertThat(callbacks
                        .post(rotating.callbackKey(), inside.signature("old-secret"), inside.toJson())
                        .statusCode())
                .isEqualTo(202);
        assertProblem(
                callbacks.post(rotated.callbackKey(), after.signature("old-secret"), after.toJson()),
                401,
                CallbackProblem.INVALID_SIGNATURE.type());
        assertThat(callbacks
                        .post(rotated.callbackKey(), after.signature("new-secret"), after.toJson())
                        .statusCode())
                .isEqualTo(202);
        assertThat(count(inside.eventId())).isEqualTo(1);
    }

    @Test
    void answersUnknownAndDisabledKeysWith404AndOtherMethodsWith405() throws Exception {
        var disabled = insert(TestConfigurations.configuration().disabled());
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-404");

        assertProblem(
                callbacks.post("no-such-key", event.signature("x"), event.toJson()),
                404,
                CallbackProblem.UNKNOWN_CALLBACK_KEY.type());
        assertProblem(
                callbacks.post("not/even%20a-key", event.signature("x"), event.toJson()),
                404,
                CallbackProblem.UNKNOWN_CALLBACK_KEY.type());
        HttpResponse<String> get = callbacks.get("/axp/callbacks/" + configuration.callbackKey());
        assertProblem(get, 405, CallbackProblem.METHOD_NOT_ALLOWED.type());
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertProblem(
                callbacks.post(disabled.callbackKey(), event.signature(disabled.secret()), event.toJson()),
                404,
                CallbackProblem.UNKNOWN_CALLBACK_KEY.type());
        assertThat(count(event.eventId())).isZero();
    }

    @Test
    void refusesMalformedBodiesWith400NamingTheProblem() throws Exception {
        String eventId = UUID.randomUUID().toString();
        String signature = AxpSignature.sign(configuration.secret(), eventId, "s-400");
        String valid = "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"s-400\"}";
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put(valid.substring(0, valid.length() - 3), "not well-formed JSON");
        bodies.put("[" + valid + "]", "one JSON object");
        bodies.put("", "one JSON object");
        bodies.put(valid + "{}", "not well-formed JSON");
        bodies.put(
                "{\"eventId\":\"" + eventId + "\",\"eventId\":\"x\",\"sessionId\":\"s-400\"}", "not well-formed JSON");
        bodies.put("{\"eventId\":42,\"sessionId\":\"s-400\"}", "eventId must be a string");
        bodies.put("{\"sessionId\":\"s-400\"}", "eventId is required");
        bodies.put("{\"eventId\":\"" + eventId + "\"}", "sessionId is required");
        bodies.put(valid.replace("}", ",\"customerId\":true}"), "customerId must be a string");
        bodies.put(valid.replace("}", ",\"extra\":{\"nested\":1}}"), "must be a string, a number or a boolean");
        bodies.put(valid.replace("}", ",\"extra\":[1]}"), "must be a string, a number or a boolean");
        bodies.put(valid.replace("}", ",\"eventDate\":\"yesterday\"}"), "eventDate must be an ISO-8601 date-time");
        bodies.put(
                valid.replace("}", ",\"conversationId\":\"" + "c".repeat(129) + "\"}"),
                "conversationId must have at most 128");
        bodies.put(valid.replace("}", ",\"note\":\"" + "n".repeat(1025) + "\"}"), "note must have at most 1024");
        StringBuilder tooMany = new StringBuilder(valid.substring(0, valid.length() - 1));
        for (int i = 0; i < 31; i++) {
            tooMany.append(",\"f").append(i).append("\":\"v\"");
        }
        bodies.put(tooMany.append('}').toString(), "at most 32 fields");

        bodies.forEach((body, detail) -> {
            HttpResponse<String> response = callbacks.post(configuration.callbackKey(), signature, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode problem = problem(response);
            assertThat(problem.get("type").stringValue())
                    .isIn(
                            CallbackProblem.MALFORMED_JSON.type().toString(),
                            CallbackProblem.INVALID_EVENT.type().toString());
            assertThat(problem.get("detail").stringValue()).as(body).contains(detail);
        });
        assertThat(count(eventId)).isZero();
    }

    @Test
    void refusesWrongContentTypesWith415() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-415");
        byte[] body = event.toJson().getBytes(StandardCharsets.UTF_8);
        String signature = event.signature(configuration.secret());
        for (String type : new String[] {
            "text/plain", "application/x-www-form-urlencoded", "application/json; charset=ISO-8859-1", "nonsense", null
        }) {
            assertProblem(
                    callbacks.post(configuration.callbackKey(), type, AxpSignature.HEADER, signature, body),
                    415,
                    CallbackProblem.UNSUPPORTED_MEDIA_TYPE.type());
        }
        assertThat(callbacks
                        .post(
                                configuration.callbackKey(),
                                "application/json;charset=UTF-8",
                                AxpSignature.HEADER,
                                signature,
                                body)
                        .statusCode())
                .isEqualTo(202);
        assertThat(count(event.eventId())).isEqualTo(1);
    }

    @Test
    void capsTheBodyAt64KiB() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-413");
        String json = event.toJson();
        String signature = event.signature(configuration.secret());
        // JSON allows any amount of white space: pad the same event to exactly the cap and one byte past it
        String atCap = json + " ".repeat(AxpEvent.MAX_BODY_BYTES - json.length());
        String pastCap = atCap + " ";

        assertProblem(
                callbacks.post(configuration.callbackKey(), signature, pastCap),
                413,
                CallbackProblem.BODY_TOO_LARGE.type());
        // a Content-Length far past the cap is refused before the body is read. 1 MiB, sixteen times the
        // cap: the client must be done sending within the server's lingering close (2 s) to read the 413 —
        // on a slow machine 10 MiB was not, and the close's reset lost the answer ("header parser received
        // no bytes")
        byte[] oneMebibyte = (json + " ".repeat(1024 * 1024)).getBytes(StandardCharsets.UTF_8);
        assertProblem(
                callbacks.post(
                        configuration.callbackKey(), "application/json", AxpSignature.HEADER, signature, oneMebibyte),
                413,
                CallbackProblem.BODY_TOO_LARGE.type());
        // without Content-Length the cap applies while reading: the body is never held whole (1 MiB too,
        // for the same reason)
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        byte[] spaces = " ".repeat(1024 * 1024).getBytes(StandardCharsets.US_ASCII);
        // its own client: the server stops reading at the cap, so this connection cannot serve again
        assertProblem(
                new Callbacks(port)
                        .postChunked(
                                configuration.callbackKey(),
                                signature,
                                () -> new SequenceInputStream(
                                        new ByteArrayInputStream(head), new ByteArrayInputStream(spaces))),
                413,
                CallbackProblem.BODY_TOO_LARGE.type());
        assertThat(count(event.eventId())).isZero();
        // the streamed one got past the configuration look-up, so it counts for the tenant
        assertThat(callbacks.get("/actuator/prometheus").body())
                .containsPattern("pushgate_callbacks_total\\{outcome=\"body_too_large\",tenant=\""
                        + configuration.tenantId() + "\"} 1\\.0");

        assertThat(callbacks.post(configuration.callbackKey(), signature, atCap).statusCode())
                .isEqualTo(202);
        assertThat(count(event.eventId())).isEqualTo(1);
    }

    /**
     * A chunked body past the cap: 413 problem+json with {@code Connection: close}, and the server
     * closes the connection rather than keep reading (and discarding) whatever the client sends on.
     * Over a raw socket to loopback, which stops sending past the cap and never ends the body.
     */
    @Test
    void aChunkedBodyPastTheCapIs413AndTheConnectionIsClosed() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-413-chunked");
        RawHttp.Answer answer = RawHttp.chunkedNeverEnded(
                port,
                "POST",
                "/axp/callbacks/" + configuration.callbackKey(),
                Map.of(
                        "Content-Type",
                        "application/json",
                        AxpSignature.HEADER,
                        event.signature(configuration.secret())),
                event.toJson().getBytes(StandardCharsets.UTF_8),
                AxpEvent.MAX_BODY_BYTES + 16 * 1024);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("type").stringValue())
                .isEqualTo(CallbackProblem.BODY_TOO_LARGE.type().toString());
        assertThat(answer.headers().get("connection")).isEqualToIgnoringCase("close");
        assertThat(answer.closed()).as("the server closed the connection").isTrue();
        assertThat(count(event.eventId())).isZero();
    }

    @Test
    void keepsUnicodeIdsExactlyAndOtherFieldsAsText() throws Exception {
        Map<String, String> sent = Map.of("eventId", "évènement-✓-🔑-" + UUID.randomUUID(), "sessionId", "séance-1");
        String body =
                "{\"eventId\":\"" + sent.get("eventId") + "\",\"sessionId\":\"séance-1\",\"engagementId\":\"eng-1\","
                        + "\"count\":42,\"urgent\":true,\"ratio\":0.5,\"gone\":null,\"dialogId\":\"d\\u00e9\"}";

        HttpResponse<String> response = callbacks.post(
                configuration.callbackKey(),
                AxpSignature.sign(configuration.secret(), sent.get("eventId"), "séance-1"),
                body);

        assertThat(response.statusCode()).isEqualTo(202);
        Map<String, String> row = row(sent.get("eventId"));
        assertThat(row).containsEntry("session_id", "séance-1");
        JsonNode payload = JSON.readTree(row.get("payload"));
        assertThat(payload.get("eventId").stringValue()).isEqualTo(sent.get("eventId"));
        assertThat(payload.get("count").stringValue()).isEqualTo("42");
        assertThat(payload.get("urgent").stringValue()).isEqualTo("true");
        assertThat(payload.get("ratio").stringValue()).isEqualTo("0.5");
        assertThat(payload.get("dialogId").stringValue()).isEqualTo("dé");
        assertThat(payload.has("gone")).isFalse();
    }

    @Test
    void seesConfigurationChangesThroughNotifyBeforeTheTtl() throws Exception {
        AxpEvent before = AxpEvent.of(UUID.randomUUID().toString(), "s-notify");
        assertThat(callbacks
                        .post(configuration.callbackKey(), before.signature(configuration.secret()), before.toJson())
                        .statusCode())
                .isEqualTo(202);

        try (Connection connection = TestDatabase.get().connect();
                var statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate(
                    "UPDATE tenancy.configuration SET enabled = false WHERE id = '" + configuration.id() + "'");
            statement.execute("NOTIFY pushgate_tenancy_changed, '{\"kind\":\"configuration\",\"id\":\""
                    + configuration.id() + "\",\"tenantId\":\"" + configuration.tenantId() + "\"}'");
            connection.commit();
        }

        // a new event each time: answers before the notification arrives are 202s of their own
        Supplier<Integer> status = () -> {
            AxpEvent after = AxpEvent.of(UUID.randomUUID().toString(), "s-notify");
            return callbacks
                    .post(configuration.callbackKey(), after.signature(configuration.secret()), after.toJson())
                    .statusCode();
        };
        assertThat(eventually(status, 404)).isEqualTo(404);
    }

    @Test
    void answers503WithRetryAfterWhenTheDatabaseIsTooSlow() throws Exception {
        AxpEvent warm = AxpEvent.of(UUID.randomUUID().toString(), "s-slow");
        assertThat(callbacks
                        .post(configuration.callbackKey(), warm.signature(configuration.secret()), warm.toJson())
                        .statusCode())
                .isEqualTo(202);
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-slow");

        HttpResponse<String> response;
        try (Connection blocker = TestDatabase.get().connect();
                var statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE delivery.notification IN ACCESS EXCLUSIVE MODE");
            response = callbacks.post(
                    configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());
            blocker.rollback();
        }

        assertProblem(response, 503, CallbackProblem.STORAGE_UNAVAILABLE.type());
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void publishesMetricsPerTenantAndOutcome() throws Exception {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-metrics");
        callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());
        callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());

        String metrics = callbacks.get("/actuator/prometheus").body();

        String tenant = configuration.tenantId().toString();
        assertThat(metrics)
                .containsPattern("pushgate_callbacks_total\\{outcome=\"accepted\",tenant=\"" + tenant + "\"} 1\\.0")
                .containsPattern("pushgate_callbacks_total\\{outcome=\"duplicate\",tenant=\"" + tenant + "\"} 1\\.0")
                .contains("pushgate_callback_latency_seconds_bucket{outcome=\"accepted\"");
        // callbacks have their own meters: the generic per-request observation leaves them out, not the rest
        callbacks.get("/actuator/health");
        assertThat(callbacks.get("/actuator/prometheus").body())
                .contains("http_server_requests_seconds_count{")
                .contains("uri=\"/actuator/health\"")
                .doesNotContain("uri=\"/axp/callbacks");
    }

    /**
     * A flood of refusals is not a flood of log lines: of 40 wrongly signed callbacks, at most one a
     * second is logged in full, and the rest appear as counts (exact) in the flusher's lines; every
     * accepted callback keeps its own line.
     */
    @Test
    void refusalsAreLoggedOnceASecondAndTheRestAsExactCounts() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(CallbackIngress.class), (Logger)
                LoggerFactory.getLogger(RefusalLines.class));
        loggers.forEach(logger -> logger.addAppender(logged));
        try {
            Instant first = Instant.now();
            for (int i = 0; i < 40; i++) {
                AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-1");
                assertThat(callbacks
                                .post(configuration.callbackKey(), event.signature("not-the-secret"), event.toJson())
                                .statusCode())
                        .isEqualTo(401);
            }
            long seconds = Duration.between(first, Instant.now()).toSeconds() + 2;
            AxpEvent good = AxpEvent.of(UUID.randomUUID().toString(), "s-1");
            AxpEvent alsoGood = AxpEvent.of(UUID.randomUUID().toString(), "s-1");
            for (AxpEvent event : List.of(good, alsoGood)) {
                assertThat(callbacks
                                .post(
                                        configuration.callbackKey(),
                                        event.signature(configuration.secret()),
                                        event.toJson())
                                .statusCode())
                        .isEqualTo(202);
            }
            String ofThisConfiguration = "configuration=" + configuration.id() + " ";

            long[] counted = {0, 0};
            for (int i = 0; i < 100 && counted[0] + counted[1] < 40; i++) {
                Thread.sleep(100); // the flusher logs the counts every pushgate.callback-log.flush-interval (1 s)
                List<String> lines = logged.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(line ->
                                line.contains(ofThisConfiguration) && line.contains("outcome=invalid_signature"))
                        .toList();
                counted[0] = lines.stream()
                        .filter(line -> line.startsWith("callback "))
                        .count();
                counted[1] = lines.stream()
                        .filter(line -> line.startsWith("callbacks "))
                        .mapToLong(line -> Long.parseLong(line.replaceAll(".*notLoggedOneByOne=(\\d+).*", "$1")))
                        .sum();
            }
            assertThat(counted[0]).as("refusals logged in full").isBetween(1L, seconds);
            assertThat(counted[0] + counted[1])
                    .as("refusals logged in full or counted")
                    .isEqualTo(40);
            assertThat(logged.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.contains("outcome=accepted"))
                    .anySatisfy(line -> assertThat(line).contains(good.eventId()))
                    .anySatisfy(line -> assertThat(line).contains(alsoGood.eventId()));
        } finally {
            loggers.forEach(logger -> logger.detachAppender(logged));
        }
    }

    /**
     * A client that sends a callback's headers and half its body, then closes or resets the
     * connection, went away: its doing, not a fault of the service. 48 of them (Content-Length and
     * chunked, a close and a reset, with the body surely being read — after the server's {@code 100
     * Continue} — or sent at once): no ERROR and no WARN from any logger, no stack trace, at most one
     * DEBUG line each; each counted as {@code client_disconnected}; nothing stored; the next callback
     * is answered as ever.
     */
    @Test
    void aClientThatGoesAwayMidBodyIsCountedNotLoggedAsAnErrorAndNothingIsStored() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ingress = (Logger) LoggerFactory.getLogger(CallbackIngress.class);
        Level ingressLevel = ingress.getLevel();
        ingress.setLevel(Level.DEBUG);
        root.addAppender(logged);
        double before = clientDisconnected();
        List<String> halfSent = new ArrayList<>();
        int continued = 0;
        try {
            for (int i = 0; i < 48; i++) {
                ClientsGoingAway.HalfBody how =
                        new ClientsGoingAway.HalfBody(i % 2 == 1, i / 4 % 2 == 0, i / 2 % 2 == 1);
                AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-gone");
                halfSent.add(event.eventId());
                String received = ClientsGoingAway.goAwayMidBody(
                        port,
                        "POST",
                        "/axp/callbacks/" + configuration.callbackKey(),
                        Map.of(
                                "Content-Type",
                                "application/json",
                                AxpSignature.HEADER,
                                event.signature(configuration.secret())),
                        event.toJson().getBytes(StandardCharsets.UTF_8),
                        how);
                if (how.expectContinue()) {
                    assertThat(received).as(how.toString()).startsWith("HTTP/1.1 100 ");
                    continued++;
                }
            }
            AxpEvent next = AxpEvent.of(UUID.randomUUID().toString(), "s-after-gone");
            assertThat(callbacks
                            .post(configuration.callbackKey(), next.signature(configuration.secret()), next.toJson())
                            .statusCode())
                    .as("the next callback is answered")
                    .isEqualTo(202);
            double counted = clientDisconnected() - before;
            for (int i = 0; i < 100 && counted < halfSent.size(); i++) {
                Thread.sleep(100); // the last ones may still be closing on the server's side
                counted = clientDisconnected() - before;
            }
            assertThat(continued).isEqualTo(24);
            assertThat(counted).as("callbacks counted as client_disconnected").isEqualTo(halfSent.size());
        } finally {
            root.detachAppender(logged);
            ingress.setLevel(ingressLevel);
        }
        assertThat(logged.list)
                .as("nothing at WARN or ERROR, from any logger")
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
        assertThat(logged.list)
                .as("no stack trace")
                .filteredOn(event -> event.getThrowableProxy() != null)
                .extracting(event -> event.getLoggerName() + ": " + event.getFormattedMessage())
                .isEmpty();
        List<ILoggingEvent> ofTheIngress = logged.list.stream()
                .filter(event -> event.getLoggerName().equals(CallbackIngress.class.getName()))
                .filter(event -> event.getFormattedMessage().contains("outcome=client_disconnected"))
                .toList();
        assertThat(ofTheIngress)
                .hasSizeLessThanOrEqualTo(halfSent.size())
                .allSatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG));
        for (String eventId : halfSent) {
            assertThat(count(eventId)).as("a half-sent body is never stored").isZero();
        }
    }

    /**
     * A callback whose client goes away (close or reset) after its whole body, while the inbox's insert
     * of it waits (held by a {@code SHARE} lock on {@code delivery.notification_dedup}, as the crash
     * drill holds it), is stored once the insert goes on, and counted {@code accepted}, not {@code
     * client_disconnected}: it will be pushed, though its answer was never written. Its line says so.
     */
    @Test
    void aCallbackWhoseClientLeavesWhileItIsStoredIsAcceptedOnceItsStoreCommits() throws Exception {
        for (boolean reset : new boolean[] {false, true}) {
            AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-left-while-stored");
            double acceptedBefore = callbacksCounted("accepted");
            double goneBefore = callbacksCounted("client_disconnected");
            List<ILoggingEvent> lines;
            try (ClientsGoingAway.Logs logs = ClientsGoingAway.capture();
                    Connection gate = TestDatabase.get().connect()) {
                gate.setAutoCommit(false);
                try (var lock = gate.createStatement()) {
                    lock.execute("LOCK TABLE delivery.notification_dedup IN SHARE MODE");
                }
                ClientsGoingAway.goAwayAfterBody(
                        port,
                        "POST",
                        "/axp/callbacks/" + configuration.callbackKey(),
                        Map.of(
                                "Content-Type",
                                "application/json",
                                AxpSignature.HEADER,
                                event.signature(configuration.secret())),
                        event.toJson().getBytes(StandardCharsets.UTF_8),
                        reset,
                        () -> assertThat(insertWaiting())
                                .as("the insert waits for the lock")
                                .isTrue());
                Thread.sleep(300); // the server sees the connection end and cancels the callback's handling
                assertThat(count(event.eventId()))
                        .as("not stored while the lock is held")
                        .isZero();
                gate.rollback(); // the insert goes on and commits
                for (int i = 0; i < 100 && callbacksCounted("accepted") == acceptedBefore; i++) {
                    Thread.sleep(100);
                }
                lines = logs.lines();
            }
            assertThat(count(event.eventId())).as("stored").isEqualTo(1);
            assertThat(callbacksCounted("accepted") - acceptedBefore)
                    .as("counted accepted (" + (reset ? "reset" : "close") + ")")
                    .isEqualTo(1);
            assertThat(callbacksCounted("client_disconnected") - goneBefore)
                    .as("not counted client_disconnected")
                    .isZero();
            assertThat(lines)
                    .filteredOn(line -> line.getLoggerName().equals(CallbackIngress.class.getName()))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(message -> message.contains(event.eventId()))
                    .singleElement()
                    .satisfies(message -> assertThat(message).contains("outcome=accepted", "answered=no"));
        }
    }

    /** Whether an insert waits for a lock on {@code delivery.notification_dedup}, polled for up to five seconds. */
    private static boolean insertWaiting() {
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement("SELECT count(*) FROM pg_locks"
                        + " WHERE NOT granted AND relation = 'delivery.notification_dedup'::regclass")) {
            for (int i = 0; i < 100; i++) {
                try (var rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return true;
                    }
                }
                Thread.sleep(50);
            }
            return false;
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code pushgate_callbacks_total{outcome}} of this test's tenant. */
    private double callbacksCounted(String outcome) {
        Matcher series = Pattern.compile("(?m)^pushgate_callbacks_total\\{outcome=\"" + outcome + "\",tenant=\""
                        + configuration.tenantId() + "\"} (\\S+)$")
                .matcher(callbacks.get("/actuator/prometheus").body());
        return series.find() ? Double.parseDouble(series.group(1)) : 0;
    }

    /** {@code pushgate_callbacks_total{outcome="client_disconnected"}}, summed over every tenant (and {@code none}). */
    private double clientDisconnected() {
        Matcher series = Pattern.compile(
                        "(?m)^pushgate_callbacks_total\\{outcome=\"client_disconnected\",tenant=\"[^\"]*\"} (\\S+)$")
                .matcher(callbacks.get("/actuator/prometheus").body());
        double sum = 0;
        while (series.find()) {
            sum += Double.parseDouble(series.group(1));
        }
        return sum;
    }

    private HttpResponse<String> send(String header, String signature, AxpEvent event) {
        return callbacks.post(
                configuration.callbackKey(),
                "application/json",
                header,
                signature,
                event.toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static TestConfigurations.Inserted insert(TestConfigurations.Builder builder) throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            return builder.insert(connection);
        }
    }

    /** Polls until the answer is {@code expected} (NOTIFY is asynchronous), at most ten seconds. */
    private static int eventually(Supplier<Integer> status, int expected) throws InterruptedException {
        int last = status.get();
        for (int i = 0; i < 100 && last != expected; i++) {
            Thread.sleep(100);
            last = status.get();
        }
        return last;
    }

    private static void assertProblem(HttpResponse<String> response, int status, URI type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (type != null) {
            assertThat(problem(response).get("type").stringValue()).isEqualTo(type.toString());
        }
    }

    private static JsonNode problem(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        return JSON.readTree(response.body());
    }

    private static long count(String eventId) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query =
                        connection.prepareStatement("SELECT count(*) FROM delivery.notification WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Map<String, String> row(String eventId) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var query = connection.prepareStatement(
                        "SELECT id, tenant_id, configuration_id, session_id, status, payload::text FROM delivery.notification WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (var rows = query.executeQuery()) {
                assertThat(rows.next()).as("a row for " + eventId).isTrue();
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.put(rows.getMetaData().getColumnLabel(i), rows.getString(i));
                }
                return row;
            }
        }
    }
}
