package io.pushgate.delivery.callback;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.http.ClientGone;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.api.secret.SecretUnreadableException;
import io.pushgate.delivery.callbacklog.RefusalLines;
import io.pushgate.delivery.callbacklog.RefusalReason;
import io.pushgate.delivery.callbacklog.RefusedCallbacks;
import io.pushgate.delivery.callbacklog.SecretUsage;
import io.pushgate.delivery.configuration.CallbackConfiguration;
import io.pushgate.delivery.configuration.Configurations;
import io.pushgate.delivery.configuration.SecretMatch;
import io.pushgate.delivery.limit.Admission;
import io.pushgate.delivery.limit.CallbackLimits;
import io.pushgate.delivery.notification.Inbox;
import io.pushgate.delivery.notification.InboxUnavailableException;
import io.pushgate.delivery.notification.NewNotification;
import io.pushgate.delivery.notification.Stored;
import io.pushgate.delivery.security.Problems;
import io.pushgate.delivery.stats.Rollups;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /axp/callbacks/{callbackKey}}, in this order: size cap (413, a larger body is never
 * buffered), content type (415), configuration from the cache (404 when unknown or disabled),
 * {@code X-hmac} present and well-formed (401), JSON object (400), signature over {@code eventId} +
 * {@code sessionId} with the current or, in its grace window, the previous secret (401), the event's
 * rules (400), the tenant's callback limit (429 with {@code Retry-After}), then the durable write:
 * 202 for a new event, 200 for a duplicate, both only after the commit; 503 with {@code
 * Retry-After} when it cannot be stored in time. Never a 500.
 *
 * <p>The limit comes after the signature so that callbacks nobody signed (a flood with a leaked or
 * guessed callback URL) never spend the tenant's budget, and after the event's rules so that only
 * callbacks that would be stored do; it comes before the write, so a refused callback writes
 * nothing.
 *
 * <p>Each callback ends with one log line (tenant, configuration, eventId, outcome, latency; no
 * secret, no signature) and its meters. A callback of a known configuration refused for a reason in
 * AXP's set-up is recorded for the tenant's refused-callback log ({@link RefusedCallbacks}), and one
 * verified is counted by the secret that verified it ({@link SecretUsage}): both in memory, written
 * off this path. A callback whose client went away before its answer (the connection closed or reset
 * with the body half sent, while it was looked up, or before it was handed to the inbox) is counted
 * as {@code client_disconnected} and said at DEBUG only: no ERROR, no stack trace, nothing stored. Once
 * handed to the inbox (its body whole, verified and admitted) its store runs to its end whether the
 * client waits or not: one whose store committed is {@code accepted} (or a {@code duplicate}) — stored
 * and pushed — though its answer was never written; one whose store failed is {@code
 * client_disconnected}.
 *
 * <p>A callback of the warm-up's synthetic configuration ({@link CallbackConfiguration#synthetic()},
 * known only to this process) takes the same path up to the write, which the inbox rehearses in a
 * transaction that is rolled back; it takes no tenant's limit and leaves no line, meter, statistic or
 * log entry.
 */
@Component
class CallbackIngress {

    private static final Logger log = LoggerFactory.getLogger(CallbackIngress.class);
    private static final int SIGNATURE_HEX_DIGITS = 64;
    private static final String LINE =
            "callback tenant={} configuration={} eventId={} outcome={} status={} latencyMs={}";
    private static final String RATE_LIMIT_LIMIT = "RateLimit-Limit";
    private static final String RATE_LIMIT_REMAINING = "RateLimit-Remaining";
    private static final String RATE_LIMIT_RESET = "RateLimit-Reset";

    private final Configurations configurations;
    private final Inbox inbox;
    private final CallbackMetrics metrics;
    private final CallbackSettings settings;
    private final CallbackLimits limits;
    private final RefusedCallbacks refused;
    private final SecretUsage secretUsage;
    private final Rollups rollups;
    private final RefusalLines refusalLines;
    private final AxpEventReader reader = new AxpEventReader();

    CallbackIngress(
            Configurations configurations,
            Inbox inbox,
            CallbackMetrics metrics,
            CallbackSettings settings,
            CallbackLimits limits,
            RefusedCallbacks refused,
            SecretUsage secretUsage,
            Rollups rollups,
            RefusalLines refusalLines) {
        this.configurations = configurations;
        this.inbox = inbox;
        this.metrics = metrics;
        this.settings = settings;
        this.limits = limits;
        this.refused = refused;
        this.secretUsage = secretUsage;
        this.rollups = rollups;
        this.refusalLines = refusalLines;
    }

    Mono<ServerResponse> receive(ServerRequest request) {
        long started = System.nanoTime();
        Trace trace = new Trace();
        trace.request = request;
        return Mono.defer(() -> accept(request, trace))
                .onErrorResume(error -> error instanceof ClientDisconnected gone
                        ? disconnected(trace, started, gone.getCause())
                        : problem(error, trace))
                .doOnNext(response -> finish(trace, started))
                // the connection closed before the answer: Reactor Netty cancels the request's handling
                .doOnCancel(() -> cancelled(trace, started));
    }

    /**
     * The client went away before its answer. Before its store began, that is all ({@link
     * #disconnected}); after, the store goes on ({@link #storeOf}), and its end decides: a committed
     * callback is {@code accepted} (or a {@code duplicate}) like one answered, a failed one is the
     * client's going away.
     */
    private void cancelled(Trace trace, long started) {
        CompletableFuture<Stored> storing;
        synchronized (trace) {
            trace.gone = true;
            storing = trace.storing;
        }
        if (storing == null) {
            disconnected(trace, started, null);
            return;
        }
        storing.whenComplete((stored, error) -> {
            if (stored == null) {
                disconnected(trace, started, null);
                return;
            }
            trace.outcome = outcome(stored);
            trace.unanswered = true;
            finish(trace, started);
        });
    }

    /**
     * The client closed or reset the connection before its answer — with its body half sent, while
     * the callback was being looked up, or before its store committed (a store that failed after it
     * left): its doing, not a fault of ours. Counted ({@code
     * pushgate_callbacks_total{outcome="client_disconnected"}}) and said at DEBUG only, so that a
     * client (or an attacker) that keeps going away cannot flood the log; no answer, as nobody is left
     * to read one. A body that did not end is never stored: the event is read from the whole body only.
     */
    private Mono<ServerResponse> disconnected(Trace trace, long started, Throwable cause) {
        if (!trace.finished.compareAndSet(false, true)) {
            return Mono.empty();
        }
        CallbackConfiguration configuration = trace.configuration != null ? trace.configuration : trace.disabled;
        if (configuration != null && configuration.synthetic()) {
            return Mono.empty(); // the warm-up's own: neither metered nor logged
        }
        trace.outcome = CallbackOutcome.CLIENT_DISCONNECTED;
        UUID tenant = trace.configuration == null ? null : trace.configuration.tenantId();
        UUID configurationId = trace.configuration == null ? null : trace.configuration.id();
        metrics.record(tenant, configurationId, trace.outcome, System.nanoTime() - started);
        if (log.isDebugEnabled()) {
            log.debug(
                    "callback configuration={} outcome={} cause={}",
                    configurationId == null ? CallbackMetrics.NO_TENANT : configurationId,
                    trace.outcome.tag(),
                    cause == null ? "cancelled before the answer" : cause.toString());
        }
        return Mono.empty();
    }

    /** A request under {@code /axp/callbacks/} that no callback URL matches. */
    Mono<ServerResponse> unrouted(ServerRequest request) {
        long started = System.nanoTime();
        Trace trace = new Trace();
        CallbackRejected rejected = HttpMethod.POST.equals(request.method())
                ? new CallbackRejected(CallbackProblem.UNKNOWN_CALLBACK_KEY, "this is not a callback URL")
                : new CallbackRejected(CallbackProblem.METHOD_NOT_ALLOWED, "a callback URL takes POST only");
        return problem(rejected, trace).doOnNext(response -> finish(trace, started));
    }

    private Mono<ServerResponse> accept(ServerRequest request, Trace trace) {
        OptionalLong length = request.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > AxpEvent.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        requireJson(request.headers().asHttpHeaders());
        return configurations
                .byCallbackKey(request.pathVariable("callbackKey"))
                // with a fallback of its own: timeout(Duration) alone describes its operator chain
                // for the error on every subscription, a cost per callback (reactor-core 3.8)
                .timeout(
                        settings.lookupTimeout(),
                        Mono.error(() -> new TimeoutException("no configuration within " + settings.lookupTimeout())))
                .onErrorMap(error -> !(error instanceof CallbackRejected), CallbackIngress::lookupFailed)
                .flatMap(found -> {
                    CallbackConfiguration configuration = found.orElseThrow(CallbackIngress::unknownKey);
                    if (!configuration.enabled()) {
                        trace.disabled = configuration;
                        throw new CallbackRejected(
                                CallbackProblem.UNKNOWN_CALLBACK_KEY,
                                "no enabled configuration has this callback key",
                                RefusalReason.CONFIGURATION_DISABLED,
                                null);
                    }
                    trace.configuration = configuration;
                    String signature = request.headers().firstHeader(AxpSignature.HEADER);
                    if (signature == null) {
                        throw new CallbackRejected(
                                CallbackProblem.INVALID_SIGNATURE,
                                "the X-hmac header is missing",
                                RefusalReason.SIGNATURE_MISSING,
                                null);
                    }
                    if (!isHexSignature(signature)) {
                        throw new CallbackRejected(
                                CallbackProblem.INVALID_SIGNATURE,
                                "X-hmac must be the 64 hex digits of an HMAC-SHA256",
                                RefusalReason.SIGNATURE_MALFORMED,
                                null);
                    }
                    return body(request).flatMap(body -> store(configuration, signature, body, trace));
                });
    }

    private Mono<ServerResponse> store(
            CallbackConfiguration configuration, String signature, byte[] body, Trace trace) {
        var object = reader.object(body);
        String eventId = reader.signedField(object, "eventId");
        String sessionId = reader.signedField(object, "sessionId");
        trace.eventId = eventId;
        SecretMatch match = configuration.match(eventId, sessionId, signature, Instant.now());
        if (!match.verified()) {
            throw new CallbackRejected(
                    CallbackProblem.INVALID_SIGNATURE,
                    "X-hmac is not the signature of this eventId and sessionId",
                    match == SecretMatch.EXPIRED_PREVIOUS
                            ? RefusalReason.SIGNATURE_EXPIRED_SECRET
                            : RefusalReason.SIGNATURE_MISMATCH,
                    null);
        }
        AxpEvent event = reader.event(object);
        if (configuration.synthetic()) {
            // the warm-up's: no tenant's limit, secret usage or statistics; stored and rolled back
            return inbox.rehearse(new NewNotification(configuration.tenantId(), configuration.id(), event))
                    .flatMap(stored -> answer(stored, trace));
        }
        secretUsage.verified(configuration, match);
        return admission(configuration)
                .flatMap(admission -> {
                    trace.admission = admission;
                    if (!admission.allowed()) {
                        throw new CallbackRejected(
                                CallbackProblem.RATE_LIMITED,
                                "the tenant's plan allows " + admission.limit()
                                        + " callbacks at once and refills them at its callbacks per second;"
                                        + " this one was not stored",
                                admission.retryAfterSeconds());
                    }
                    return storeOf(new NewNotification(configuration.tenantId(), configuration.id(), event), trace);
                })
                .flatMap(stored -> answer(stored, trace));
    }

    /**
     * The tenant's callback limit's answer: at once when the local backend has its plan in memory,
     * else after reading the plan or asking Redis (in time).
     */
    private Mono<Admission> admission(CallbackConfiguration configuration) {
        Admission now = limits.admitNow(configuration.tenantId(), configuration.id());
        if (now != null) {
            return Mono.just(now);
        }
        return limits.admit(configuration.tenantId(), configuration.id())
                .timeout(
                        settings.lookupTimeout(),
                        Mono.error(() -> new TimeoutException("no plan within " + settings.lookupTimeout())))
                .onErrorMap(CallbackIngress::planUnreadable);
    }

    private static Throwable planUnreadable(Throwable error) {
        return new CallbackRejected(
                CallbackProblem.STORAGE_UNAVAILABLE,
                error instanceof TimeoutException
                        ? "the tenant's plan could not be read in time"
                        : "the tenant's plan could not be read");
    }

    /**
     * The inbox's store of {@code notification}, run to its end even when the client goes away before
     * it (its cancellation does not reach the inbox): the store is then told to {@link #cancelled}.
     * None when the client is gone already: a callback whose client left before its store began is
     * not stored.
     */
    private Mono<Stored> storeOf(NewNotification notification, Trace trace) {
        CompletableFuture<Stored> storing;
        synchronized (trace) {
            if (trace.gone) {
                return Mono.empty();
            }
            storing = inbox.store(notification).toFuture();
            trace.storing = storing;
        }
        return Mono.fromFuture(storing, true);
    }

    private static CallbackOutcome outcome(Stored stored) {
        return stored.duplicate() ? CallbackOutcome.DUPLICATE : CallbackOutcome.ACCEPTED;
    }

    private Mono<ServerResponse> answer(Stored stored, Trace trace) {
        trace.outcome = outcome(stored);
        String json = "{\"notificationId\":\"" + stored.notificationId() + "\",\"status\":\""
                + (stored.duplicate() ? "duplicate" : "accepted") + "\"}";
        ServerResponse.BodyBuilder response =
                ServerResponse.status(trace.outcome.status()).contentType(MediaType.APPLICATION_JSON);
        rateLimitHeaders(response, trace.admission);
        return response.bodyValue(json);
    }

    /**
     * The IETF draft's {@code RateLimit-Limit} (the burst), {@code RateLimit-Remaining} (callbacks
     * left now) and {@code RateLimit-Reset} (whole seconds until the bucket is full again), on every
     * answer the tenant's limit was taken for.
     */
    private static void rateLimitHeaders(ServerResponse.BodyBuilder response, Admission admission) {
        if (admission == null) {
            return;
        }
        response.header(RATE_LIMIT_LIMIT, Long.toString(admission.limit()));
        response.header(RATE_LIMIT_REMAINING, Long.toString(admission.remaining()));
        response.header(RATE_LIMIT_RESET, Long.toString(admission.resetSeconds()));
    }

    /**
     * The body, read up to the cap: a larger one fails as soon as the cap is passed, one whose client
     * went away before it ended fails as {@link ClientDisconnected}.
     */
    private static Mono<byte[]> body(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), AxpEvent.MAX_BODY_BYTES)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, limit -> tooLarge())
                .onErrorMap(ClientGone::isClientGone, ClientDisconnected::new);
    }

    private static void requireJson(HttpHeaders headers) {
        MediaType type;
        try {
            type = headers.getContentType();
        } catch (InvalidMediaTypeException e) {
            type = null;
        }
        if (type == null
                || !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)
                || (type.getCharset() != null && !StandardCharsets.UTF_8.equals(type.getCharset()))) {
            throw new CallbackRejected(
                    CallbackProblem.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json in UTF-8");
        }
    }

    private static CallbackRejected tooLarge() {
        return new CallbackRejected(
                CallbackProblem.BODY_TOO_LARGE,
                "the body must not be larger than " + AxpEvent.MAX_BODY_BYTES + " bytes");
    }

    private static Throwable lookupFailed(Throwable error) {
        if (error instanceof SecretUnreadableException) {
            log.error("The secret of a configuration cannot be opened with this keyset: {}", error.getMessage());
            return new CallbackRejected(
                    CallbackProblem.CONFIGURATION_UNUSABLE, "this configuration's secret cannot be read");
        }
        return new CallbackRejected(
                CallbackProblem.STORAGE_UNAVAILABLE,
                error instanceof TimeoutException
                        ? "the configuration could not be read in time"
                        : "the configuration could not be read");
    }

    private Mono<ServerResponse> problem(Throwable error, Trace trace) {
        CallbackRejected rejected;
        if (error instanceof CallbackRejected callbackRejected) {
            rejected = callbackRejected;
        } else if (error instanceof InboxUnavailableException unavailable) {
            trace.notStored = unavailable.getMessage(); // said in the callback's line, thinned like it
            rejected = new CallbackRejected(
                    CallbackProblem.STORAGE_UNAVAILABLE, "the event could not be stored; it was not accepted");
        } else {
            log.error("Callback failed unexpectedly", error);
            rejected = new CallbackRejected(
                    CallbackProblem.STORAGE_UNAVAILABLE, "the event could not be processed; it was not accepted");
        }
        CallbackProblem kind = rejected.kind();
        trace.outcome = rejected.outcome();
        logRefusal(rejected, trace);
        ServerResponse.BodyBuilder response =
                ServerResponse.status(kind.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (kind == CallbackProblem.METHOD_NOT_ALLOWED) {
            response.allow(HttpMethod.POST);
        }
        if (kind == CallbackProblem.BODY_TOO_LARGE) {
            // the rest of the body is never read: close the connection after this answer, or the
            // server would go on reading and discarding whatever the client still sends (RFC 9110 §15.5.14)
            response.header(HttpHeaders.CONNECTION, "close");
        }
        rateLimitHeaders(response, trace.admission);
        if (rejected.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(rejected.retryAfterSeconds()));
        } else if (kind.status() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            response.header(
                    HttpHeaders.RETRY_AFTER,
                    Long.toString(Math.max(1, settings.retryAfter().toSeconds())));
        }
        return response.bodyValue(Problems.body(kind, rejected.getMessage()));
    }

    /**
     * Records a refusal for its configuration's refused-callback log. A size or content type refused
     * before the configuration was looked up is attributed by a look-up after the answer, off this
     * callback's path (served from the cache; an unknown key is cached as unknown).
     */
    private void logRefusal(CallbackRejected rejected, Trace trace) {
        RefusalReason reason = rejected.reason();
        if (reason == null || trace.request == null) {
            return;
        }
        CallbackConfiguration configuration = trace.configuration != null ? trace.configuration : trace.disabled;
        if (configuration != null && configuration.synthetic()) {
            return; // the warm-up's own: no tenant has a log of it
        }
        InetAddress source =
                trace.request.remoteAddress().map(InetSocketAddress::getAddress).orElse(null);
        if (configuration != null) {
            refused.refused(configuration.tenantId(), configuration.id(), reason, source, rejected.field());
            rollups.callbackRefused(configuration.tenantId(), configuration.id(), reason);
            return;
        }
        if (reason == RefusalReason.TOO_LARGE || reason == RefusalReason.UNSUPPORTED_MEDIA_TYPE) {
            configurations
                    .byCallbackKey(trace.request.pathVariable("callbackKey"))
                    .timeout(settings.lookupTimeout())
                    .subscribe(
                            found -> found.ifPresent(known -> {
                                refused.refused(known.tenantId(), known.id(), reason, source, null);
                                rollups.callbackRefused(known.tenantId(), known.id(), reason);
                            }),
                            error -> log.debug(
                                    "A refused callback's configuration was not found: {}", error.toString()));
        }
    }

    private static CallbackRejected unknownKey() {
        return new CallbackRejected(
                CallbackProblem.UNKNOWN_CALLBACK_KEY, "no enabled configuration has this callback key");
    }

    private void finish(Trace trace, long started) {
        if (!trace.finished.compareAndSet(false, true)) {
            return;
        }
        long nanos = System.nanoTime() - started;
        CallbackConfiguration configuration = trace.configuration;
        if (configuration != null && configuration.synthetic()) {
            // the warm-up's: neither metered nor logged, but why it was not stored (it ends the warm-up)
            if (trace.notStored != null) {
                log.warn("A synthetic callback of the warm-up was not stored: {}", trace.notStored);
            }
            return;
        }
        UUID tenant = configuration == null ? null : configuration.tenantId();
        UUID configurationId = configuration == null ? null : configuration.id();
        if (trace.outcome == CallbackOutcome.ACCEPTED || trace.outcome == CallbackOutcome.DUPLICATE) {
            rollups.callbackStored(tenant, configurationId, trace.outcome == CallbackOutcome.DUPLICATE);
        }
        metrics.record(tenant, configurationId, trace.outcome, nanos);
        HttpStatus status = trace.outcome.status();
        if (!status.is2xxSuccessful()
                && !refusalLines.logInFull(configurationId, trace.outcome.tag(), status.value())) {
            return; // counted, and logged as a count by the next flush
        }
        Object[] line = {
            tenant == null ? CallbackMetrics.NO_TENANT : tenant,
            configurationId == null ? CallbackMetrics.NO_TENANT : configurationId,
            printable(trace.eventId),
            trace.outcome.tag(),
            status.value(),
            nanos / 1_000 / 1e3
        };
        if (trace.unanswered) {
            // stored, though the client went away before the answer could be written
            log.info(LINE + " answered=no (the client went away)", line);
        } else if (trace.notStored == null) {
            log.info(LINE, line);
        } else {
            Object[] withCause = Arrays.copyOf(line, line.length + 1);
            withCause[line.length] = trace.notStored;
            log.warn(LINE + " notStored={}", withCause);
        }
    }

    /** {@code [0-9a-fA-F]{64}}, checked without a regular expression: this runs per callback. */
    static boolean isHexSignature(String signature) {
        if (signature.length() != SIGNATURE_HEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < SIGNATURE_HEX_DIGITS; i++) {
            if (Character.digit(signature.charAt(i), 16) < 0 || signature.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    /** An untrusted id as one quoted, bounded log token: no line breaks or control characters. */
    static String printable(String value) {
        if (value == null) {
            return "-";
        }
        int shown = Math.min(value.length(), 128);
        StringBuilder token = new StringBuilder(shown + 4).append('"');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                token.append('\\').append(c);
            } else {
                token.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        return token.append(shown < value.length() ? "…\"" : "\"").toString();
    }

    /** What is known about one callback so far, for its log line and meters. */
    private static final class Trace {
        ServerRequest request;
        CallbackConfiguration configuration;
        /** A disabled configuration the callback was for: its refusal is logged, its meters stay tenant-less. */
        CallbackConfiguration disabled;

        String eventId;
        Admission admission;
        CallbackOutcome outcome = CallbackOutcome.STORAGE_UNAVAILABLE;
        /** Why the inbox did not store it, when it did not. */
        String notStored;
        /** Its meters and line are done: once, whether it was answered or its client went away. */
        final AtomicBoolean finished = new AtomicBoolean();

        /** The client went away before the answer (guarded by the trace). */
        boolean gone;
        /** The inbox's store, once begun (guarded by the trace). */
        CompletableFuture<Stored> storing;
        /** Stored, but its client went away before the answer: no answer was written. */
        volatile boolean unanswered;
    }

    /** A body that ended because its client went away; no stack trace, as it is no fault. */
    private static final class ClientDisconnected extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ClientDisconnected(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
