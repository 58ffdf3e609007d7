package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import io.pushgate.emulator.FcmEmulator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery check against the real FCM emulator, over its HTTP control API. */
class DeliveryCheckIntegrationTests {

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FcmEmulator emulator;

    @BeforeEach
    void startEmulator() {
        emulator = FcmEmulator.start();
        emulator.acceptAccessToken("bench-check");
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    @Test
    void countsPushedOnceTwiceAndNeverAcrossPages() throws Exception {
        long acceptedAt = nowMicros();
        Map<String, Long> accepted = new HashMap<>();
        for (String eventId : new String[] {"once-1", "once-2", "once-3", "twice", "never"}) {
            accepted.put(eventId, acceptedAt);
        }
        push("once-1");
        push("twice");
        push("someone-elses-event");
        push("once-2");
        push("twice");
        push("once-3");

        // a page of two: the check must follow the emulator's cursor
        DeliveryCheck.Report report = new DeliveryCheck(emulator.baseUri(), 2).check(accepted, Duration.ofMillis(600));

        assertThat(report.accepted()).isEqualTo(5);
        assertThat(report.deliveredOnce()).isEqualTo(3);
        assertThat(report.duplicated()).isEqualTo(1);
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.latencyMillis()).containsKeys("p50", "p99", "max");
        assertThat(report.asMap()).containsEntry("pending", 1L);
    }

    @Test
    void aDuplicateIsListedWithItsCauseAndTheCollapseKeysItsPushesCarried() throws Exception {
        long acceptedAt = nowMicros();
        Map<String, Long> accepted = new HashMap<>();
        for (String eventId : new String[] {"killed", "same-key", "other-keys"}) {
            accepted.put(eventId, acceptedAt);
        }
        push("killed", "{\"collapse_key\":\"conversation-1\"}");
        push("killed", "{\"collapse_key\":\"conversation-1\"}");
        push("same-key", "{\"collapse_key\":\"conversation-2\"}");
        push("same-key", "{\"collapse_key\":\"conversation-2\"}");
        push("other-keys", "{\"collapse_key\":\"conversation-3\"}");
        push("other-keys", "{\"priority\":\"high\"}");

        DeliveryCheck.Report report =
                new DeliveryCheck(emulator.baseUri()).check(accepted, Duration.ofMillis(600), Set.of("killed"));

        assertThat(report.duplicated()).isEqualTo(3);
        assertThat(report.duplicatedWithCause()).isEqualTo(1);
        assertThat(report.duplicatedWithDifferentCollapseKeys()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> duplicates =
                (List<Map<String, Object>>) report.asMap().get("duplicates");
        assertThat(duplicates)
                .extracting(item -> item.get("eventId"), item -> item.get("cause"), item -> item.get("collapseKeys"))
                .containsExactly(
                        tuple(
                                "killed",
                                "unfinished when a process was killed",
                                new TreeSet<>(Set.of("conversation-1"))),
                        tuple("other-keys", "none", new TreeSet<>(Set.of("", "conversation-3"))),
                        tuple("same-key", "none", new TreeSet<>(Set.of("conversation-2"))));
    }

    @Test
    void saysHowManyOfTheRunsMessagesTheEmulatorNoLongerKeeps() throws Exception {
        emulator.close();
        emulator = FcmEmulator.start("127.0.0.1", 0, 1, 3);
        emulator.acceptAccessToken("bench-check");
        push("before-the-run-1");
        push("before-the-run-2");
        DeliveryCheck check = DeliveryCheck.startingNow(emulator.baseUri());
        long acceptedAt = nowMicros();
        Map<String, Long> accepted = new HashMap<>();
        for (String eventId : new String[] {"run-1", "run-2", "run-3", "run-4"}) {
            accepted.put(eventId, acceptedAt);
            push(eventId);
        }

        DeliveryCheck.Report report = check.check(accepted, Duration.ofMillis(600));

        // the store keeps 3: run-1 is gone with the two older ones; only run-1 was the run's
        assertThat(report.deliveredOnce()).isEqualTo(3);
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.droppedByEmulator()).isEqualTo(1);
        assertThat(report.asMap()).containsEntry("droppedByEmulator", 1L);
    }

    @Test
    void countsNothingDroppedWhenTheEmulatorKeptTheRunsMessages() throws Exception {
        emulator.close();
        emulator = FcmEmulator.start("127.0.0.1", 0, 1, 3);
        emulator.acceptAccessToken("bench-check");
        for (int i = 1; i <= 5; i++) {
            push("an-earlier-run-" + i);
        }
        DeliveryCheck check = DeliveryCheck.startingNow(emulator.baseUri());
        push("run-1");

        DeliveryCheck.Report report = check.check(Map.of("run-1", nowMicros(), "never", nowMicros()), Duration.ZERO);

        // three of the earlier run's messages were dropped, none of this run's
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.droppedByEmulator()).isZero();
    }

    @Test
    void waitsForPushesThatArriveLate() throws Exception {
        Map<String, Long> accepted = Map.of("late", nowMicros());
        Thread pusher = new Thread(() -> {
            try {
                Thread.sleep(700);
                push("late");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        pusher.start();
        DeliveryCheck.Report report = new DeliveryCheck(emulator.baseUri()).check(accepted, Duration.ofSeconds(20));
        pusher.join();
        assertThat(report.deliveredOnce()).isEqualTo(1);
        assertThat(report.pending()).isZero();
    }

    @Test
    void saysWhatTheServerAnsweredWhenItIsNoEmulator() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        other.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + other.getAddress().getPort());
            assertThatIllegalStateException()
                    .isThrownBy(() -> new DeliveryCheck(url).check(Map.of("e", 0L), Duration.ZERO))
                    .withMessageStartingWith("the FCM emulator answered 404 to GET " + url + "/emulator/fcm/messages");
        } finally {
            other.stop(0);
        }
    }

    private void push(String eventId) throws Exception {
        push(eventId, "{\"priority\":\"high\"}");
    }

    private void push(String eventId, String android) throws Exception {
        String body = "{\"message\":{\"token\":\"device-1\",\"data\":{\"eventId\":\"" + eventId
                + "\",\"sessionId\":\"s\"},\"android\":" + android + "}}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(emulator.baseUri().resolve("/v1/projects/bench/messages:send"))
                        .header("Authorization", "Bearer bench-check")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000;
    }
}
