package io.pushgate.emulator;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An FCM HTTP v1 server on a real socket: {@code POST /v1/projects/{projectId}/messages:send} with
 * bearer-token checks and FCM's validation and error bodies, Google's OAuth 2 token endpoint
 * ({@code POST /token}, JWT-bearer grant) for the service accounts it {@linkplain #mintServiceAccount
 * minted}, a record of every accepted message, and failures and latency injected per device token.
 *
 * <p>The same is reachable over HTTP under {@code /emulator/fcm} (see the module's README section). Send
 * answers are FCM's own; control-API errors are RFC 9457 problems.
 *
 * <p>Device tokens are open by default: any well-formed token is accepted unless it was
 * {@linkplain #unregister unregistered}, {@linkplain #bindToken bound} to another project, or has an
 * {@linkplain #injectFailure injected failure}. A whole project's sends can meet a {@linkplain
 * #injectProjectFault fault} for a while (FCM down, throttled, slow, resetting connections), other projects
 * unaffected. Thread-safe.
 */
public final class FcmEmulator implements AutoCloseable {

    /** How many accepted messages are kept by default; older ones are dropped first. */
    public static final int DEFAULT_MAX_RECORDED = 100_000;

    /**
     * How many bytes of accepted messages are kept by default (their {@linkplain FcmMessage#retainedBytes()
     * estimated size}); older ones are dropped first. the 100,000 messages of a 2,000/s
     * benchmark run fit (its exactly-once check found all of them); of 4 KB messages about the 30,000 newest.
     */
    public static final long DEFAULT_MAX_RECORDED_BYTES = 128L * 1024 * 1024;

    static final String FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final String SEND_PREFIX = "/v1/projects/";
    private static final String SEND_SUFFIX = "/messages:send";
    private static final Logger log = LoggerFactory.getLogger(FcmEmulator.class);

    private final JsonMapper json = JsonMapper.shared();
    private final Clock clock;
    private final int maxRecorded;
    private final long maxRecordedBytes;
    private final AtomicLong recordedBytes = new AtomicLong();
    private final AtomicLong droppedThrough = new AtomicLong();
    private final FcmMessageValidator validator = new FcmMessageValidator(json);
    private final OAuthTokenEndpoint tokens;
    private final FcmControlApi control;
    private final ConcurrentLinkedDeque<FcmMessage> recorded = new ConcurrentLinkedDeque<>();
    private final AtomicInteger recordedCount = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Injected> failures = new ConcurrentHashMap<>();
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
    private final Map<String, String> boundProjects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, ActiveFault> projectFaults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> faultedSends = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final String host;

    private static final class Injected {
        final FcmFailure failure;
        final AtomicInteger remaining;

        Injected(FcmFailure failure) {
            this.failure = failure;
            this.remaining = new AtomicInteger(failure.times());
        }

        /** Whether this send fails; counts it down when the failure is limited. */
        boolean take() {
            if (failure.times() == 0) {
                return true;
            }
            return remaining.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
        }
    }

    private record ActiveFault(FcmFault fault, Instant until) {}

    private FcmEmulator(String host, int port, int threads, int maxRecorded, long maxRecordedBytes, Clock clock) {
        if (maxRecorded < 1 || maxRecordedBytes < 1) {
            throw new IllegalArgumentException("maxRecorded and maxRecordedBytes must be positive");
        }
        this.clock = clock;
        this.maxRecorded = maxRecorded;
        this.maxRecordedBytes = maxRecordedBytes;
        this.tokens = new OAuthTokenEndpoint(json, clock);
        this.control = new FcmControlApi(this, json);
        this.host = host;
        this.server = new HttpServer(host, port, threads, this::handle);
        log.info("FCM emulator listening on {}", baseUri());
    }

    /** Starts an emulator on a free port of 127.0.0.1. */
    public static FcmEmulator start() {
        return start(0);
    }

    /** Starts an emulator on {@code port} of 127.0.0.1 ({@code 0}: a free one). */
    public static FcmEmulator start(int port) {
        return start("127.0.0.1", port, Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_RECORDED);
    }

    /**
     * Starts an emulator on {@code host:port} with {@code threads} I/O threads, keeping the newest
     * {@code maxRecorded} accepted messages.
     */
    public static FcmEmulator start(String host, int port, int threads, int maxRecorded) {
        return start(host, port, threads, maxRecorded, DEFAULT_MAX_RECORDED_BYTES);
    }

    /**
     * The same, keeping at most {@code maxRecorded} accepted messages and at most {@code maxRecordedBytes}
     * of them: a store bounded by count alone grows with the size of the messages.
     */
    public static FcmEmulator start(String host, int port, int threads, int maxRecorded, long maxRecordedBytes) {
        return new FcmEmulator(host, port, threads, maxRecorded, maxRecordedBytes, Clock.systemUTC());
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** {@code http://host:port}; FCM's {@code https://fcm.googleapis.com} maps to it. */
    public URI baseUri() {
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The OAuth 2 token endpoint, the {@code token_uri} of minted service accounts. */
    public URI tokenUri() {
        return baseUri().resolve("/token");
    }

    /**
     * Makes a service account for {@code projectId} whose access tokens this emulator issues and accepts
     * for that project; {@link FcmServiceAccount#json()} is its key file.
     */
    public FcmServiceAccount mintServiceAccount(String projectId) {
        requireText(projectId, "projectId");
        FcmServiceAccount account = FcmServiceAccount.mint(projectId, tokenUri().toString());
        tokens.register(account);
        return account;
    }

    /**
     * Deletes the key of {@code account}, as a project owner does in Google Cloud's console: the token
     * endpoint refuses its assertions from now on with {@code invalid_grant} "Invalid JWT Signature.", as
     * Google's does for a deleted key; access tokens it already issued stay valid until they expire.
     */
    public void revokeServiceAccount(FcmServiceAccount account) {
        tokens.revoke(account.clientEmail());
    }

    /** Accepts {@code accessToken} as a bearer token for every project (for "sandbox" credentials). */
    public void acceptAccessToken(String accessToken) {
        requireText(accessToken, "accessToken");
        tokens.acceptStatic(accessToken);
    }

    /** Every accepted message, newest first. */
    public List<FcmMessage> messages() {
        return messages(null, null, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** The accepted messages to {@code deviceToken}, newest first. */
    public List<FcmMessage> messagesTo(String deviceToken) {
        return messages(null, deviceToken, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Accepted messages, newest first, filtered by project and device token when not {@code null}, at most
     * {@code limit} of them, all with a sequence below {@code before}.
     */
    public List<FcmMessage> messages(String projectId, String deviceToken, int limit, long before) {
        List<FcmMessage> found = new ArrayList<>();
        for (Iterator<FcmMessage> newest = recorded.descendingIterator(); newest.hasNext() && found.size() < limit; ) {
            FcmMessage message = newest.next();
            if (message.sequence() < before
                    && (projectId == null || projectId.equals(message.projectId()))
                    && (deviceToken == null || deviceToken.equals(message.deviceToken()))) {
                found.add(message);
            }
        }
        return found;
    }

    /** Forgets the accepted messages. */
    public void clearMessages() {
        synchronized (recorded) {
            FcmMessage newest = recorded.peekLast();
            if (newest != null) {
                droppedThrough.accumulateAndGet(newest.sequence(), Math::max);
            }
            recorded.clear();
            recordedCount.set(0);
            recordedBytes.set(0);
        }
    }

    /**
     * The sequence of the newest accepted message no longer kept — dropped by the store's bound or
     * cleared — or 0 when every accepted message is still kept: a check that misses a message newer than
     * the one it saw before its run cannot tell "never sent" from "no longer kept" when this is above it.
     */
    public long droppedThrough() {
        return droppedThrough.get();
    }

    /** The estimated size of the accepted messages kept now (see {@link FcmMessage#retainedBytes()}). */
    public long recordedBytes() {
        return recordedBytes.get();
    }

    /** How many send requests named {@code deviceToken}, accepted or not, since the last reset. */
    public int sendAttempts(String deviceToken) {
        AtomicInteger count = attempts.get(deviceToken);
        return count == null ? 0 : count.get();
    }

    /** Sends to {@code deviceToken} fail as {@code failure} says (replacing an earlier injection). */
    public void injectFailure(String deviceToken, FcmFailure failure) {
        requireText(deviceToken, "deviceToken");
        failures.put(deviceToken, new Injected(Objects.requireNonNull(failure, "failure")));
    }

    /**
     * Sends to {@code deviceToken} are answered {@code latency} later ({@link Duration#ZERO}: at once); an
     * accepted message is recorded when it arrives, as FCM would deliver it even if the sender gave up.
     */
    public void injectLatency(String deviceToken, Duration latency) {
        requireText(deviceToken, "deviceToken");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        if (latency.isZero()) {
            latencies.remove(deviceToken);
        } else {
            latencies.put(deviceToken, latency);
        }
    }

    /** {@code deviceToken} is no longer registered: every send to it answers UNREGISTERED (404). */
    public void unregister(String deviceToken) {
        requireText(deviceToken, "deviceToken");
        unregistered.add(deviceToken);
    }

    /** {@code deviceToken} belongs to {@code projectId}: sends from other projects answer SENDER_ID_MISMATCH. */
    public void bindToken(String deviceToken, String projectId) {
        requireText(deviceToken, "deviceToken");
        requireText(projectId, "projectId");
        boundProjects.put(deviceToken, projectId);
    }

    /**
     * Every send of {@code projectId} meets {@code fault} from now for {@link FcmFault#lasting()} (replacing
     * a fault injected earlier); sends of other projects are unaffected.
     */
    public void injectProjectFault(String projectId, FcmFault fault) {
        requireText(projectId, "projectId");
        Objects.requireNonNull(fault, "fault");
        projectFaults.put(projectId, new ActiveFault(fault, clock.instant().plus(fault.lasting())));
        log.info(
                "FCM emulator: project {} meets fault '{}' for {}",
                projectId,
                fault.kind().text(),
                fault.lasting());
    }

    /** Ends the fault of {@code projectId} now. */
    public void clearProjectFault(String projectId) {
        projectFaults.remove(projectId);
    }

    /** The fault {@code projectId}'s sends meet now, if any. */
    public Optional<FcmFault> projectFault(String projectId) {
        ActiveFault active = activeFault(projectId);
        return active == null ? Optional.empty() : Optional.of(active.fault());
    }

    /** How many sends of {@code projectId} met a fault since the last reset. */
    public long faultedSends(String projectId) {
        AtomicLong count = faultedSends.get(projectId);
        return count == null ? 0 : count.get();
    }

    /** Removes the failures, latencies, unregistrations and bindings of {@code deviceToken}. */
    public void clearDevice(String deviceToken) {
        failures.remove(deviceToken);
        latencies.remove(deviceToken);
        unregistered.remove(deviceToken);
        boundProjects.remove(deviceToken);
    }

    /** Removes every injection, project fault, unregistration and binding, the records and the counts. */
    public void reset() {
        projectFaults.clear();
        faultedSends.clear();
        failures.clear();
        latencies.clear();
        unregistered.clear();
        boundProjects.clear();
        attempts.clear();
        clearMessages();
    }

    /** Stops listening and releases its threads. */
    @Override
    public void close() {
        server.close();
    }

    HttpAnswer handle(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (path.startsWith(SEND_PREFIX) && path.endsWith(SEND_SUFFIX)) {
            return send(request, path.substring(SEND_PREFIX.length(), path.length() - SEND_SUFFIX.length()));
        }
        if (path.equals("/token")) {
            return token(request);
        }
        if (path.equals(FcmControlApi.ROOT) || path.startsWith(FcmControlApi.ROOT + "/")) {
            return control.handle(request.method(), uri, request.content().toString(StandardCharsets.UTF_8));
        }
        return googleError(404, "NOT_FOUND", "The requested URL " + path + " was not found on this server.", null);
    }

    private HttpAnswer token(FullHttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return googleError(405, "METHOD_NOT_ALLOWED", "Use POST.", null).withHeader("Allow", "POST");
        }
        QueryStringDecoder form = new QueryStringDecoder(
                "?" + request.content().toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        Map<String, String> parameters = new LinkedHashMap<>();
        form.parameters().forEach((name, values) -> parameters.put(name, values.get(0)));
        OAuthTokenEndpoint.Answer answer = tokens.token(parameters);
        return HttpAnswer.json(answer.status(), answer.body(), json).withHeader("Cache-Control", "no-store");
    }

    private HttpAnswer send(FullHttpRequest request, String projectId) {
        Instant receivedAt = clock.instant();
        if (!HttpMethod.POST.equals(request.method())) {
            return googleError(405, "METHOD_NOT_ALLOWED", "Use POST.", null).withHeader("Allow", "POST");
        }
        if (projectId.isEmpty() || projectId.contains("/")) {
            return googleError(404, "NOT_FOUND", "Unknown project.", null);
        }
        ActiveFault active = activeFault(projectId);
        if (active == null) {
            return accept(request, projectId, receivedAt);
        }
        faultedSends.computeIfAbsent(projectId, project -> new AtomicLong()).incrementAndGet();
        FcmFault fault = active.fault();
        return switch (fault.kind()) {
            case UNAVAILABLE -> fcmError(FcmErrorCode.UNAVAILABLE, null, null);
            case THROTTLED -> fcmError(FcmErrorCode.QUOTA_EXCEEDED, null, fault.retryAfter());
            case RESET -> HttpAnswer.resetMidResponse();
            case SLOW -> {
                HttpAnswer answer = accept(request, projectId, receivedAt);
                yield answer.delayedBy(answer.delay().plus(fault.latency()));
            }
        };
    }

    private ActiveFault activeFault(String projectId) {
        ActiveFault active = projectFaults.get(projectId);
        if (active != null && !clock.instant().isBefore(active.until())) {
            projectFaults.remove(projectId, active);
            return null;
        }
        return active;
    }

    /** A send of {@code projectId} with no project fault: FCM's checks, the device's injections, the record. */
    private HttpAnswer accept(FullHttpRequest request, String projectId, Instant receivedAt) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
        switch (tokens.authorize(bearer, projectId)) {
            case UNAUTHENTICATED -> {
                return googleError(
                                401,
                                "UNAUTHENTICATED",
                                "Request is missing required authentication credential. Expected OAuth 2 access"
                                        + " token, login cookie or other valid authentication credential.",
                                null)
                        .withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
            }
            case PERMISSION_DENIED -> {
                return googleError(
                        403,
                        "PERMISSION_DENIED",
                        "Permission 'cloudmessaging.messages.create' denied on resource"
                                + " '//cloudresourcemanager.googleapis.com/projects/" + projectId
                                + "' (or it may not exist).",
                        null);
            }
            case GRANTED -> {}
        }
        JsonNode body;
        try {
            body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            return fcmError(FcmErrorCode.INVALID_ARGUMENT, "Invalid JSON payload received.", null);
        }
        if (body == null || !body.isObject()) {
            return fcmError(
                    FcmErrorCode.INVALID_ARGUMENT, "Invalid JSON payload received: an object is required.", null);
        }
        for (String field : body.propertyNames()) {
            if (!field.equals("message") && !field.equals("validate_only") && !field.equals("validateOnly")) {
                return fcmError(
                        FcmErrorCode.INVALID_ARGUMENT,
                        "Invalid JSON payload received. Unknown name \"" + field + "\": Cannot find field.",
                        null);
            }
        }
        JsonNode message = body.get("message");
        Optional<String> invalid = validator.validate(message);
        if (invalid.isPresent()) {
            return fcmError(FcmErrorCode.INVALID_ARGUMENT, invalid.get(), null);
        }
        String deviceToken = message.hasNonNull("token")
                ? message.get("token").asString()
                : message.path("fid").asString(null);
        if (deviceToken != null) {
            attempts.computeIfAbsent(deviceToken, token -> new AtomicInteger()).incrementAndGet();
        }
        Duration latency = deviceToken == null ? Duration.ZERO : latencies.getOrDefault(deviceToken, Duration.ZERO);
        HttpAnswer refused = deviceToken == null ? null : refusal(deviceToken, projectId);
        if (refused != null) {
            return refused.delayedBy(latency);
        }
        boolean validateOnly = body.path("validate_only").asBoolean(false)
                || body.path("validateOnly").asBoolean(false);
        if (validateOnly) {
            return HttpAnswer.json(200, Map.of("name", "projects/" + projectId + "/messages/fake_message_id"), json)
                    .delayedBy(latency);
        }
        String name;
        // the number and the append under one lock: the record is in sequence order, so a reader paging it
        // by sequence (newest first, down to the newest it saw before) never skips a message appended late
        synchronized (recorded) {
            long number = sequence.incrementAndGet();
            name = "projects/" + projectId + "/messages/0:" + receivedAt.toEpochMilli() + "%"
                    + Long.toHexString(0x5eed_0000_0000L ^ number);
            record(new FcmMessage(
                    number, name, projectId, deviceToken, tokens.clientEmail(bearer), message, receivedAt));
        }
        return HttpAnswer.json(200, Map.of("name", name), json).delayedBy(latency);
    }

    private HttpAnswer refusal(String deviceToken, String projectId) {
        if (unregistered.contains(deviceToken)) {
            return fcmError(FcmErrorCode.UNREGISTERED, null, null);
        }
        String bound = boundProjects.get(deviceToken);
        if (bound != null && !bound.equals(projectId)) {
            return fcmError(FcmErrorCode.SENDER_ID_MISMATCH, null, null);
        }
        Injected injected = failures.get(deviceToken);
        if (injected != null && injected.take()) {
            return fcmError(injected.failure.errorCode(), null, injected.failure.retryAfter());
        }
        return null;
    }

    /** Appends {@code message}, then drops the oldest while there are too many or they weigh too much; under the lock. */
    private void record(FcmMessage message) {
        recorded.addLast(message);
        recordedCount.incrementAndGet();
        recordedBytes.addAndGet(message.retainedBytes());
        while (recordedCount.get() > maxRecorded || recordedBytes.get() > maxRecordedBytes) {
            FcmMessage oldest = recorded.pollFirst();
            if (oldest == null) {
                break;
            }
            recordedCount.decrementAndGet();
            recordedBytes.addAndGet(-oldest.retainedBytes());
            droppedThrough.accumulateAndGet(oldest.sequence(), Math::max);
        }
    }

    /** FCM's error body for {@code code}: the canonical status plus an FcmError detail. */
    HttpAnswer fcmError(FcmErrorCode code, String message, Duration retryAfter) {
        HttpAnswer answer = googleError(
                code.httpStatus(),
                code.status(),
                message == null ? code.defaultMessage() : message,
                Map.of("@type", FCM_ERROR_TYPE, "errorCode", code.name()));
        return retryAfter == null ? answer : answer.withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
    }

    private HttpAnswer googleError(int status, String statusName, String message, Map<String, String> detail) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", status);
        error.put("message", message);
        error.put("status", statusName);
        if (detail != null) {
            error.put("details", List.of(detail));
        }
        return HttpAnswer.json(status, Map.of("error", error), json);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
