package io.pushgate.delivery.channel;

import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.delivery.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * FCM HTTP v1 through firebase-admin: one named {@link FirebaseApp} per credential. Its blocking sends
 * run on the process's {@link FcmSendPool} (every app's thread manager too), never on the caller's
 * event loop.
 */
final class FcmChannel implements PushChannel {

    private static final int MAX_CONNECTIONS = 64;

    /** The registration token of {@link #probe}: well-formed as FCM's are, and never issued by FCM. */
    static final String PROBE_TOKEN = "pushgate-connection-test:APA91b" + "0".repeat(120);

    /** An RFC 6749 §5.2 error in a token endpoint's answer: {@code "error": "invalid_grant"}. */
    private static final Pattern OAUTH_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]+)\"");

    private static final AtomicLong GENERATION = new AtomicLong();

    private final PushProvider provider;
    private final FirebaseApp app;
    private final ApacheHttpTransport transport;
    private final FirebaseMessaging messaging;
    private final FcmSendPool pool;
    private final Duration timeout;
    private volatile boolean closed;

    private FcmChannel(
            PushProvider provider, FirebaseApp app, ApacheHttpTransport transport, FcmSendPool pool, Duration timeout) {
        this.provider = provider;
        this.app = app;
        this.transport = transport;
        this.messaging = FirebaseMessaging.getInstance(app);
        this.pool = pool;
        this.timeout = timeout;
    }

    /**
     * The channel of an FCM credential: its service account, its project, and FCM at {@code settings}'
     * address; its sends on {@code pool}.
     */
    static FcmChannel create(Credential credential, FcmSendPool pool, ProviderSettings settings) throws IOException {
        return open(
                credential,
                GoogleCredentials.fromStream(credential.material()),
                credential.metadata().get("projectId"),
                settings.fcmUrl(),
                pool,
                settings);
    }

    /**
     * The channel of a sandbox credential: the FCM emulator of {@code sandbox}, with the token it
     * accepts, for the tenant's own project there.
     */
    static FcmChannel sandbox(
            Credential credential, SandboxSettings sandbox, FcmSendPool pool, ProviderSettings settings) {
        if (!sandbox.isAvailable()) {
            throw new CredentialUnusableException(
                    "sandbox_unavailable: no FCM emulator is configured (pushgate.sandbox.fcm-url)");
        }
        return open(
                credential,
                fixedToken(sandbox.accessToken()),
                SandboxSettings.projectId(credential.tenantId()),
                sandbox.fcmUrl(),
                pool,
                settings);
    }

    /**
     * A channel to the warm-up's FCM stand-in at {@code endpoint} (on loopback, see {@link
     * ProviderClients#fcmRehearsal}), for its made-up project, with the token it accepts: the client
     * every FCM credential gets, talking to no provider.
     */
    static FcmChannel rehearsal(
            URI endpoint, String projectId, String accessToken, FcmSendPool pool, ProviderSettings settings) {
        Credential none = new Credential(UUID.randomUUID(), UUID.randomUUID(), PushProvider.FCM, Map.of(), null);
        return open(none, fixedToken(accessToken), projectId, endpoint, pool, settings);
    }

    /** Credentials that send {@code accessToken} and never ask a token endpoint for another. */
    private static GoogleCredentials fixedToken(String accessToken) {
        return GoogleCredentials.newBuilder()
                .setAccessToken(
                        new AccessToken(accessToken, Date.from(Instant.now().plus(3650, ChronoUnit.DAYS))))
                .build();
    }

    /** A named {@link FirebaseApp} for the Firebase project {@code projectId} at {@code endpoint} (FCM or an emulator). */
    private static FcmChannel open(
            Credential credential,
            GoogleCredentials account,
            String projectId,
            URI endpoint,
            FcmSendPool pool,
            ProviderSettings settings) {
        int millis = (int) settings.sendTimeout().toMillis();
        ApacheHttpTransport transport = FcmTransport.to(endpoint, MAX_CONNECTIONS);
        FirebaseOptions options = FirebaseOptions.builder()
                .setCredentials(account)
                .setProjectId(projectId)
                .setHttpTransport(transport)
                .setConnectTimeout(millis)
                .setReadTimeout(millis)
                // firebase-admin's own pool (100 threads for all apps, an unbounded queue) is never made
                .setThreadManager(pool)
                .build();
        // FirebaseApp names are JVM-wide (several contexts may share a JVM, as in tests)
        String name = "pushgate-" + credential.id() + "-" + GENERATION.incrementAndGet();
        return new FcmChannel(
                credential.provider(),
                FirebaseApp.initializeApp(options, name),
                transport,
                pool,
                settings.sendTimeout());
    }

    @Override
    public PushProvider provider() {
        return provider;
    }

    @Override
    public Mono<DeliveryOutcome> send(Push push) {
        return Mono.defer(() -> {
            Message message;
            try {
                message = FcmMessages.of(push, Instant.now());
            } catch (IllegalArgumentException e) {
                // firebase-admin refused to build the request: nothing a retry could change
                return Mono.just(new DeliveryOutcome.Rejected("invalid_message"));
            }
            return run(message, false, FcmChannel::outcome);
        });
    }

    @Override
    public Mono<DeliveryOutcome> probe() {
        return Mono.defer(() -> run(probeMessage(), true, FcmChannel::probeOutcome));
    }

    /**
     * {@code message} sent on one of the pool's threads by firebase-admin's blocking {@code send}
     * ({@code dryRun}: validated by FCM, never delivered); its failure read by {@code failure}.
     */
    private Mono<DeliveryOutcome> run(Message message, boolean dryRun, Function<Throwable, DeliveryOutcome> failure) {
        if (closed) {
            // this channel was closed meanwhile (its credential changed): the next try gets a new one
            return Mono.just(FcmSendPool.CLOSED);
        }
        return pool.send(
                () -> {
                    try {
                        return new DeliveryOutcome.Accepted(messaging.send(message, dryRun));
                    } catch (FirebaseMessagingException | RuntimeException e) {
                        // closed while it waited or ran: firebase-admin fails on the deleted app or closed pool
                        return closed ? FcmSendPool.CLOSED : failure.apply(e);
                    }
                },
                timeout);
    }

    // setToken is deprecated in firebase-admin 9.11 in favour of setFid; FCM still takes registration tokens
    @SuppressWarnings("deprecation")
    private static Message probeMessage() {
        return Message.builder()
                .setToken(PROBE_TOKEN)
                .putData("pushgate", "connection-test")
                .build();
    }

    /**
     * The answer to {@link #probe}: Google's token endpoint refusing the service account (a deleted or
     * disabled key, a file that is not one of its keys) is its OAuth error code, e.g. {@code
     * invalid_grant}; anything else as {@link #outcome}.
     */
    static DeliveryOutcome probeOutcome(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null) {
                Matcher oauth = OAUTH_ERROR.matcher(cause.getMessage());
                if (oauth.find()) {
                    return new DeliveryOutcome.Rejected(oauth.group(1));
                }
            }
        }
        return outcome(error);
    }

    /** firebase-admin's failure as an outcome: the FCM error code decides, then the canonical one. */
    static DeliveryOutcome outcome(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof FirebaseMessagingException failure)) {
            return new DeliveryOutcome.Transient("io_error", null);
        }
        Duration retryAfter = retryAfter(failure.getHttpResponse());
        MessagingErrorCode fcm = failure.getMessagingErrorCode();
        if (fcm != null) {
            return switch (fcm) {
                case UNREGISTERED, SENDER_ID_MISMATCH -> new DeliveryOutcome.TokenRejected(fcm.name());
                case INVALID_ARGUMENT -> invalidArgument(failure, fcm.name());
                case QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL -> new DeliveryOutcome.Transient(fcm.name(), retryAfter);
                case THIRD_PARTY_AUTH_ERROR -> new DeliveryOutcome.Rejected(fcm.name());
            };
        }
        ErrorCode code = failure.getErrorCode();
        return switch (code) {
            // a revoked or foreign credential, a project that is gone: the tenant must act
            case UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION ->
                new DeliveryOutcome.Rejected(code.name());
            case INVALID_ARGUMENT -> invalidArgument(failure, code.name());
            default -> new DeliveryOutcome.Transient(code.name(), retryAfter);
        };
    }

    /**
     * FCM answers INVALID_ARGUMENT for a malformed registration token and for a message it refuses
     * (too large, a bad TTL or header) alike; only the first may invalidate the registration, so the
     * error message decides ("The registration token is not a valid FCM registration token").
     */
    private static DeliveryOutcome invalidArgument(FirebaseMessagingException failure, String code) {
        String message = failure.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("registration token")
                ? new DeliveryOutcome.TokenRejected(code)
                : new DeliveryOutcome.Rejected(code);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; {@code null} when absent or unreadable. */
    static Duration retryAfter(IncomingHttpResponse response) {
        if (response == null) {
            return null;
        }
        Object header = null;
        for (Map.Entry<String, Object> entry : response.getHeaders().entrySet()) {
            if ("retry-after".equalsIgnoreCase(entry.getKey())) {
                header = entry.getValue();
            }
        }
        if (header instanceof Collection<?> values) {
            header = values.isEmpty() ? null : values.iterator().next();
        }
        return header == null ? null : parseRetryAfter(header.toString());
    }

    static Duration parseRetryAfter(String value) {
        String text = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        app.delete();
        // firebase-admin leaves the transport it was given open: its connection pool is ours to close
        try {
            transport.shutdown();
        } catch (IOException e) {
            LoggerFactory.getLogger(FcmChannel.class).debug("FCM transport did not shut down cleanly", e);
        }
    }
}
