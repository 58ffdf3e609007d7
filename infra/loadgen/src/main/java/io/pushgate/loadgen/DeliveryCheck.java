package io.pushgate.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * After a run: did every accepted event reach the FCM emulator exactly once? Reads the emulator's
 * record of accepted messages ({@code GET /emulator/fcm/messages}, newest first, paged by sequence)
 * until every accepted eventId has arrived or the wait is over, and measures the time from the
 * 202 to the emulator receiving the push (both on this machine's clock).
 *
 * <p>The emulator keeps a bounded number of messages: {@link #startingNow} remembers the newest one
 * before the run, so that a run whose own messages the emulator no longer keeps says so ({@link
 * Report#droppedByEmulator}) instead of counting them as never pushed without a word.
 */
final class DeliveryCheck {

    /**
     * What the emulator saw of the accepted events. {@code droppedByEmulator}: how many messages it
     * accepted during the run it no longer keeps (its store is bounded) — when above 0, some of the
     * {@code pending} may have been pushed, and the run's exactly-once check is incomplete.
     */
    record Report(
            long accepted,
            long deliveredOnce,
            long duplicated,
            long pending,
            Map<String, Double> latencyMillis,
            Set<String> duplicatedEventIds,
            Set<String> explained,
            Map<String, Duplicate> duplicates,
            Set<String> inDoubt,
            Map<String, Long> acceptToPushMicros,
            long droppedByEmulator) {

        /** At most this many duplicates are listed one by one in the JSON result. */
        static final int LISTED = 1_000;

        /**
         * Pushed twice or more with a recorded cause: in flight in a process that was killed, or sent
         * again after an attempt whose outcome the platform could not know (a time-out).
         */
        long duplicatedWithCause() {
            return duplicatedEventIds.stream().filter(explained::contains).count();
        }

        /** Pushed twice or more although nothing explains it: a fault. */
        long duplicatedWithoutCause() {
            return duplicated - duplicatedWithCause();
        }

        /** The same report with {@code more} events whose second push has a cause. */
        Report explaining(Set<String> more) {
            Set<String> all = new java.util.HashSet<>(explained);
            all.addAll(more);
            return new Report(
                    accepted,
                    deliveredOnce,
                    duplicated,
                    pending,
                    latencyMillis,
                    duplicatedEventIds,
                    all,
                    duplicates,
                    inDoubt,
                    acceptToPushMicros,
                    droppedByEmulator);
        }

        /**
         * 202 → emulator per {@link RunResults#WINDOW} of the 202's time, counted from {@code fromEpochMicros}
         * (the measured phase's start): window number → count and p99 in milliseconds; warm-up excluded.
         */
        java.util.SortedMap<Integer, Map<String, Number>> windows(Map<String, Long> acceptedAt, long fromEpochMicros) {
            Map<Integer, Histogram> windows = new HashMap<>();
            long window = TimeUnit.NANOSECONDS.toMicros(RunResults.WINDOW.toNanos());
            acceptToPushMicros.forEach((eventId, micros) -> {
                long since = acceptedAt.get(eventId) - fromEpochMicros;
                if (since >= 0) {
                    windows.computeIfAbsent(
                                    (int) (since / window), key -> new Histogram(TimeUnit.MINUTES.toMicros(10), 3))
                            .recordValue(Math.min(micros, TimeUnit.MINUTES.toMicros(10)));
                }
            });
            java.util.SortedMap<Integer, Map<String, Number>> p99s = new java.util.TreeMap<>();
            windows.forEach((number, micros) -> p99s.put(
                    number,
                    Map.of(
                            "count",
                            micros.getTotalCount(),
                            "p99",
                            Math.round(micros.getValueAtPercentile(99) / 10.0) / 100.0)));
            return p99s;
        }

        /** Duplicates whose pushes did not all carry one and the same collapse key. */
        long duplicatedWithDifferentCollapseKeys() {
            return duplicates.values().stream()
                    .filter(duplicate -> duplicate.collapseKeys().size() != 1
                            || duplicate.collapseKeys().contains(""))
                    .count();
        }

        private String cause(String eventId) {
            if (inDoubt.contains(eventId)) {
                return "unfinished when a process was killed";
            }
            return explained.contains(eventId) ? "sent again after a time-out" : "none";
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("accepted", accepted);
            map.put("deliveredExactlyOnce", deliveredOnce);
            map.put("duplicated", duplicated);
            map.put("duplicatedWithCause", duplicatedWithCause());
            map.put("duplicatedWithDifferentCollapseKeys", duplicatedWithDifferentCollapseKeys());
            map.put("pending", pending);
            map.put("droppedByEmulator", droppedByEmulator);
            map.put("acceptToEmulatorMillis", latencyMillis);
            map.put(
                    "duplicates",
                    duplicates.values().stream()
                            .sorted(java.util.Comparator.comparing(Duplicate::eventId))
                            .limit(LISTED)
                            .map(duplicate -> {
                                Map<String, Object> item = new LinkedHashMap<>();
                                item.put("eventId", duplicate.eventId());
                                item.put("pushes", duplicate.pushes());
                                item.put("collapseKeys", duplicate.collapseKeys());
                                item.put("cause", cause(duplicate.eventId()));
                                return item;
                            })
                            .toList());
            return map;
        }
    }

    /**
     * An event pushed more than once: how often, and the collapse keys its pushes carried (Android's
     * {@code collapse_key}, APNs' {@code apns-collapse-id}; {@code ""} for a push without one), which
     * must be one and the same so that the device shows one notification.
     */
    record Duplicate(String eventId, int pushes, java.util.SortedSet<String> collapseKeys) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PAGE = 10_000;

    private final URI emulator;
    private final int pageSize;
    private final long since;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    DeliveryCheck(URI emulator) {
        this(emulator, PAGE, 0);
    }

    DeliveryCheck(URI emulator, int pageSize) {
        this(emulator, pageSize, 0);
    }

    private DeliveryCheck(URI emulator, int pageSize, long since) {
        this.emulator = emulator;
        this.pageSize = pageSize;
        this.since = since;
    }

    /**
     * A check of the messages the emulator at {@code emulator} accepts from now on: call it before the
     * run, so that messages of the run that the emulator drops later are told apart.
     */
    static DeliveryCheck startingNow(URI emulator) throws IOException, InterruptedException {
        DeliveryCheck check = new DeliveryCheck(emulator, PAGE, 0);
        JsonNode items = check.page(null, 1).get("items");
        return new DeliveryCheck(
                emulator,
                PAGE,
                items.isEmpty() ? 0 : items.get(0).get("sequence").asLong());
    }

    /**
     * Waits up to {@code wait} for the events in {@code acceptedAt} (eventId → when its 202 came,
     * in microseconds since the epoch) to arrive, then counts.
     */
    Report check(Map<String, Long> acceptedAt, Duration wait) throws IOException, InterruptedException {
        return check(acceptedAt, wait, Set.of());
    }

    /**
     * The same; a duplicate of an event in {@code inDoubt} (unfinished when an instance was killed)
     * is counted apart, as the one duplicate a crash may cause.
     */
    Report check(Map<String, Long> acceptedAt, Duration wait, Set<String> inDoubt)
            throws IOException, InterruptedException {
        Map<String, Integer> arrivals = new HashMap<>();
        Map<String, Long> firstArrival = new HashMap<>();
        Map<String, java.util.SortedSet<String>> collapseKeys = new HashMap<>();
        long newestSeen = 0;
        long[] droppedThrough = {0};
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            newestSeen = readSince(newestSeen, acceptedAt, arrivals, firstArrival, collapseKeys, droppedThrough);
            if (arrivals.size() == acceptedAt.size() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long duplicated = 0;
        Set<String> duplicatedEventIds = new java.util.HashSet<>();
        Map<String, Duplicate> duplicates = new HashMap<>();
        Map<String, Long> acceptToPush = new HashMap<>();
        for (var arrival : arrivals.entrySet()) {
            if (arrival.getValue() > 1) {
                duplicated++;
                duplicatedEventIds.add(arrival.getKey());
                duplicates.put(
                        arrival.getKey(),
                        new Duplicate(arrival.getKey(), arrival.getValue(), collapseKeys.get(arrival.getKey())));
            }
            long micros = Math.max(0, firstArrival.get(arrival.getKey()) - acceptedAt.get(arrival.getKey()));
            acceptToPush.put(arrival.getKey(), micros);
            latencyMicros.recordValue(Math.min(Math.max(0, micros), latencyMicros.getHighestTrackableValue()));
        }
        return new Report(
                acceptedAt.size(),
                arrivals.size() - duplicated,
                duplicated,
                acceptedAt.size() - arrivals.size(),
                RunResults.percentiles(latencyMicros),
                Set.copyOf(duplicatedEventIds),
                Set.copyOf(inDoubt),
                Map.copyOf(duplicates),
                Set.copyOf(inDoubt),
                acceptToPush,
                Math.max(0, droppedThrough[0] - since));
    }

    /** Reads the messages newer than sequence {@code after}; answers the newest sequence read. */
    private long readSince(
            long after,
            Map<String, Long> acceptedAt,
            Map<String, Integer> arrivals,
            Map<String, Long> firstArrival,
            Map<String, java.util.SortedSet<String>> collapseKeys,
            long[] droppedThrough)
            throws IOException, InterruptedException {
        long newest = after;
        String before = null;
        while (true) {
            JsonNode page = page(before, pageSize);
            droppedThrough[0] =
                    Math.max(droppedThrough[0], page.path("droppedThrough").asLong(0));
            boolean older = false;
            for (JsonNode item : page.get("items")) {
                long sequence = item.get("sequence").asLong();
                if (sequence <= after) {
                    older = true;
                    break;
                }
                newest = Math.max(newest, sequence);
                JsonNode eventId = item.path("message").path("data").path("eventId");
                if (eventId.isString() && acceptedAt.containsKey(eventId.asString())) {
                    arrivals.merge(eventId.asString(), 1, Integer::sum);
                    firstArrival.merge(eventId.asString(), micros(item.get("receivedAt")), Math::min);
                    collapseKeys
                            .computeIfAbsent(eventId.asString(), id -> new java.util.TreeSet<>())
                            .add(collapseKey(item.path("message")));
                }
            }
            JsonNode next = page.get("nextBefore");
            if (older || next == null || next.isNull()) {
                return newest;
            }
            before = next.asString();
        }
    }

    private JsonNode page(String before, int limit) throws IOException, InterruptedException {
        URI uri =
                emulator.resolve("/emulator/fcm/messages?limit=" + limit + (before == null ? "" : "&before=" + before));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "the FCM emulator answered " + response.statusCode() + " to GET " + uri + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Android's {@code collapse_key}, else APNs' {@code apns-collapse-id}, else {@code ""}. */
    static String collapseKey(JsonNode message) {
        JsonNode android = message.path("android").path("collapse_key");
        if (!android.isString()) {
            android = message.path("android").path("collapseKey");
        }
        if (android.isString()) {
            return android.asString();
        }
        JsonNode apns = message.path("apns").path("headers").path("apns-collapse-id");
        return apns.isString() ? apns.asString() : "";
    }

    private static long micros(JsonNode receivedAt) {
        try {
            Instant instant = Instant.parse(receivedAt.asString());
            return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1_000;
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("the FCM emulator's receivedAt is not an instant: " + receivedAt, e);
        }
    }
}
