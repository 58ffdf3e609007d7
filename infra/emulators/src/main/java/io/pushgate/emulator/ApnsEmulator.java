package io.pushgate.emulator;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import com.eatthepath.pushy.apns.server.AnswerHeadersMockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An APNs server on a real TLS socket: pushy's {@link MockApnsServer} with its validating handler (token
 * authentication with the keys it was told about, topics per key, device tokens per topic,
 * {@code BadDeviceToken}, {@code Unregistered} with its timestamp, {@code DeviceTokenNotForTopic}),
 * checking the provider token and topic first as APNs does ({@code InvalidProviderToken} for an unknown
 * key, a wrong team or a bad signature; {@code TopicDisallowed} for a topic the key may not send to), a
 * certificate made at start-up ({@link #serverCertificate()}, to trust), a record of every accepted
 * notification, rejections injected per device token (e.g. {@code TooManyRequests}), and {@linkplain
 * #injectKeyFault faults} of one provider key's sends for a while ({@code TooManyRequests}, {@code
 * ExpiredProviderToken}, failing TLS handshakes, slow answers, a connection reset mid-answer).
 *
 * <p>Certificate authentication as Apple does it: a client that presents a certificate must present one
 * issued by the emulator's own {@linkplain #certificateAuthority() authority} ({@link #mintCertificate})
 * and still valid, or the TLS handshake fails; such a connection may send to the certificate's topic
 * (its subject's {@code UID}) only. A client that presents none authenticates with tokens.
 *
 * <p>With {@code openRegistration}, any well-formed device token is accepted for the topic it is sent to
 * (for the standalone sandbox and load runs); otherwise only {@linkplain #registerDevice registered} ones,
 * and a well-formed token registered for no topic is a {@code BadDeviceToken}, as APNs answers for a token
 * it never issued.
 * pushy's handler answers at once, on the connection's event loop; a {@link ApnsFault.Kind#SLOW} fault
 * holds the answers back on their way out, per connection. Thread-safe.
 */
public final class ApnsEmulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApnsEmulator.class);
    private static final Pattern DEVICE_TOKEN = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String PATH_PREFIX = "/3/device/";
    private static final Duration PROVIDER_TOKEN_LIFETIME = Duration.ofHours(1);
    /** Set on the event loop for a rejection the client never sees (its connection is reset instead). */
    private static final ThreadLocal<Boolean> UNRECORDED = new ThreadLocal<>();

    private final Clock clock = Clock.systemUTC();
    private final boolean openRegistration;
    private final SelfSignedCertificate certificate;
    private final ApnsCertificateAuthority authority;
    private final Map<String, Set<String>> deviceTokensByTopic = new ConcurrentHashMap<>();
    private final Map<String, Instant> expirationsByDeviceToken = new ConcurrentHashMap<>();
    private final Map<String, ApnsVerificationKey> keysById = new ConcurrentHashMap<>();
    private final Map<ApnsVerificationKey, Set<String>> topicsByKey = new ConcurrentHashMap<>();
    private final Map<String, Injected> injected = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<ApnsNotification> accepted = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<ApnsRejection> rejected = new ConcurrentLinkedDeque<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, ActiveFault> keyFaults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> faultedSends = new ConcurrentHashMap<>();
    private final Map<SSLSession, Channel> connections = new ConcurrentHashMap<>();
    private final Map<String, Set<Channel>> connectionsByKey = new ConcurrentHashMap<>();
    private final Map<Channel, String> keysByConnection = new ConcurrentHashMap<>();
    /** Connections a {@link ApnsFault.Kind#RESET} fault cuts at their next answer, until they close. */
    private final Set<Channel> resetting = ConcurrentHashMap.newKeySet();

    private final AtomicLong failedHandshakes = new AtomicLong();
    private volatile Instant handshakesFailUntil = Instant.MIN;
    private final MockApnsServer server;
    private final int port;

    private record Injected(RejectionReason reason, AtomicInteger remaining, boolean always, Duration retryAfter) {}

    private record ActiveFault(ApnsFault fault, Instant until) {}

    private ApnsEmulator(int port, boolean openRegistration) {
        this.openRegistration = openRegistration;
        this.certificate = SelfSignedCertificate.forLocalhost();
        this.authority = ApnsCertificateAuthority.create("Pushgate APNs emulator client CA");
        PushNotificationHandlerFactory validating = new ValidatingPushNotificationHandlerFactory(
                deviceTokensByTopic, expirationsByDeviceToken, keysById, topicsByKey);
        try {
            SslContext tls = SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate())
                    .sslProvider(SslProvider.JDK)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new ClientCertificateTrust(authority.certificate()))
                    .build();
            this.server = new WithTls(
                            new FailingHandshakes(tls),
                            session -> handler(
                                    validating.buildHandler(session), certificateAuthenticated(session), session),
                            new Recorder(),
                            this::connected)
                    .setServerCredentials(
                            new X509Certificate[] {certificate.certificate()}, certificate.privateKey(), null)
                    .build();
            this.port = server.start(port).get(10, TimeUnit.SECONDS);
        } catch (javax.net.ssl.SSLException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the APNs emulator did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the APNs emulator", e);
        }
        log.info("APNs emulator listening on localhost:{}", this.port);
    }

    /** Starts an emulator on a free port that accepts only registered device tokens. */
    public static ApnsEmulator start() {
        return start(0, false);
    }

    /**
     * Starts an emulator on {@code port} ({@code 0}: a free one); with {@code openRegistration} every
     * well-formed device token counts as registered for the topic it is sent to.
     */
    public static ApnsEmulator start(int port, boolean openRegistration) {
        return new ApnsEmulator(port, openRegistration);
    }

    /** The port it listens on (all interfaces). */
    public int port() {
        return port;
    }

    /** The server's certificate, for {@code ApnsClientBuilder.setTrustedServerCertificateChain}. */
    public X509Certificate serverCertificate() {
        return certificate.certificate();
    }

    /** The server's certificate in PEM. */
    public String serverCertificatePem() {
        return certificate.pem();
    }

    /** The authority whose client certificates the emulator accepts, as APNs accepts Apple's. */
    public ApnsCertificateAuthority certificateAuthority() {
        return authority;
    }

    /**
     * Mints a client certificate for {@code topic} (a {@code .p12} and its password) that the emulator
     * accepts for a year; sends with it may go to {@code topic} only.
     */
    public ApnsCertificate mintCertificate(String topic) {
        return authority.issue(topic);
    }

    /** Mints a key for {@code teamId} and lets it send to {@code topics}. */
    public ApnsAuthKey mintAuthKey(String teamId, String... topics) {
        ApnsAuthKey key = ApnsAuthKey.mint(teamId);
        registerAuthKey(key, topics);
        return key;
    }

    /** Lets {@code key} (its team and key id, and public key) send to {@code topics}. */
    public void registerAuthKey(ApnsAuthKey key, String... topics) {
        registerVerificationKey(key.teamId(), key.keyId(), key.publicKey(), Set.of(topics));
    }

    /** Lets the key {@code keyId} of {@code teamId}, verified with {@code publicKey}, send to {@code topics}. */
    public void registerVerificationKey(String teamId, String keyId, ECPublicKey publicKey, Set<String> topics) {
        ApnsVerificationKey key;
        try {
            key = new ApnsVerificationKey(keyId, teamId, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 verification key", e);
        }
        ApnsVerificationKey previous = keysById.put(keyId, key);
        if (previous != null) {
            topicsByKey.remove(previous);
        }
        topicsByKey.put(key, ConcurrentHashMap.newKeySet());
        topicsByKey.get(key).addAll(topics);
    }

    /** Forgets the key {@code keyId}: tokens it signs are rejected with {@code InvalidProviderToken}. */
    public void revokeKey(String keyId) {
        ApnsVerificationKey key = keysById.remove(keyId);
        if (key != null) {
            topicsByKey.remove(key);
        }
    }

    /** Registers {@code deviceToken} (64 hex digits) for {@code topic}. */
    public void registerDevice(String topic, String deviceToken) {
        Objects.requireNonNull(topic, "topic");
        if (!DEVICE_TOKEN.matcher(deviceToken).matches()) {
            throw new IllegalArgumentException("an APNs device token is 64 hexadecimal digits");
        }
        deviceTokensByTopic
                .computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet())
                .add(deviceToken);
    }

    /** Sends to {@code deviceToken} are rejected with {@code Unregistered} and {@code invalidatedAt}. */
    public void unregisterDevice(String deviceToken, Instant invalidatedAt) {
        expirationsByDeviceToken.put(deviceToken, Objects.requireNonNull(invalidatedAt, "invalidatedAt"));
    }

    /**
     * The next {@code times} valid sends to {@code deviceToken} ({@code 0}: every one) are rejected with
     * {@code reason}, e.g. {@link RejectionReason#TOO_MANY_REQUESTS} or
     * {@link RejectionReason#SERVICE_UNAVAILABLE}. Use {@link #unregisterDevice} for {@code Unregistered}.
     */
    public void injectRejection(String deviceToken, RejectionReason reason, int times) {
        injectRejection(deviceToken, reason, times, null);
    }

    /**
     * As {@link #injectRejection(String, RejectionReason, int)}, each rejection answered with {@code
     * retry-after: <seconds>} when {@code retryAfter} is not {@code null} — a throttled APNs asking the
     * provider to wait, e.g. {@code TooManyRequests} with 30 s.
     */
    public void injectRejection(String deviceToken, RejectionReason reason, int times, Duration retryAfter) {
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("retryAfter is whole seconds, zero or more");
        }
        if (reason == RejectionReason.UNREGISTERED) {
            throw new IllegalArgumentException("use unregisterDevice(token, invalidatedAt) for Unregistered");
        }
        if (times < 0) {
            throw new IllegalArgumentException("times must be 0 (always) or positive");
        }
        injected.put(deviceToken, new Injected(reason, new AtomicInteger(times), times == 0, retryAfter));
    }

    /**
     * The sends signed by the provider key {@code keyId} meet {@code fault} from now for {@link
     * ApnsFault#lasting()} (replacing a fault injected earlier for the key); other keys' sends do not,
     * except for the new connections {@link ApnsFault.Kind#TLS_HANDSHAKE_FAILURE} fails.
     */
    public void injectKeyFault(String keyId, ApnsFault fault) {
        Objects.requireNonNull(keyId, "keyId");
        Instant until = clock.instant().plus(fault.lasting());
        keyFaults.put(keyId, new ActiveFault(fault, until));
        log.info("APNs emulator: key {} meets fault '{}' for {}", keyId, fault.kind(), fault.lasting());
        if (fault.kind() == ApnsFault.Kind.TLS_HANDSHAKE_FAILURE) {
            handshakesFailUntil = until;
            Set<Channel> open = connectionsByKey.remove(keyId);
            if (open != null) {
                open.forEach(Channel::close);
            }
        }
    }

    /** Ends the fault of {@code keyId} now (and failing handshakes, if it was that). */
    public void clearKeyFault(String keyId) {
        ActiveFault removed = keyFaults.remove(keyId);
        if (removed != null && removed.fault().kind() == ApnsFault.Kind.TLS_HANDSHAKE_FAILURE) {
            handshakesFailUntil = Instant.MIN;
        }
    }

    /** How many sends signed by {@code keyId} met a fault (a refusal; closed connections not counted). */
    public long faultedSends(String keyId) {
        AtomicLong count = faultedSends.get(keyId);
        return count == null ? 0 : count.get();
    }

    /** How many TLS handshakes a {@link ApnsFault.Kind#TLS_HANDSHAKE_FAILURE} failed. */
    public long failedHandshakes() {
        return failedHandshakes.get();
    }

    /** Removes injected rejections and the unregistration of {@code deviceToken}. */
    public void clearDevice(String deviceToken) {
        injected.remove(deviceToken);
        expirationsByDeviceToken.remove(deviceToken);
    }

    /** Every accepted notification, newest first. */
    public List<ApnsNotification> notifications() {
        return newestFirst(accepted, null);
    }

    /** The accepted notifications to {@code deviceToken}, newest first. */
    public List<ApnsNotification> notificationsTo(String deviceToken) {
        return newestFirst(accepted, deviceToken);
    }

    /** Every rejection, newest first. */
    public List<ApnsRejection> rejections() {
        List<ApnsRejection> all = new ArrayList<>();
        rejected.descendingIterator().forEachRemaining(all::add);
        return all;
    }

    /** Forgets accepted notifications and rejections. */
    public void clearRecords() {
        accepted.clear();
        rejected.clear();
    }

    /** Stops the server and its event loop. */
    @Override
    public void close() {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the APNs emulator did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<ApnsNotification> newestFirst(ConcurrentLinkedDeque<ApnsNotification> all, String token) {
        List<ApnsNotification> found = new ArrayList<>();
        for (Iterator<ApnsNotification> newest = all.descendingIterator(); newest.hasNext(); ) {
            ApnsNotification notification = newest.next();
            if (token == null || token.equals(notification.deviceToken())) {
                found.add(notification);
            }
        }
        return found;
    }

    /** Whether the connection authenticated with a client certificate (else it sends provider tokens). */
    private static boolean certificateAuthenticated(javax.net.ssl.SSLSession session) {
        try {
            return session.getPeerCertificates().length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return false;
        }
    }

    /**
     * Each notification of a connection: {@code certificate} connections are held to their
     * certificate's topic by pushy's validating handler; the others are authenticated here first.
     */
    private PushNotificationHandler handler(
            PushNotificationHandler validating, boolean certificate, SSLSession session) {
        return (headers, payload) -> {
            String token = deviceToken(headers);
            CharSequence topic = headers.get("apns-topic");
            if (openRegistration
                    && token != null
                    && topic != null
                    && DEVICE_TOKEN.matcher(token).matches()) {
                deviceTokensByTopic
                        .computeIfAbsent(topic.toString(), t -> ConcurrentHashMap.newKeySet())
                        .add(token);
            }
            if (!certificate) {
                String keyId = authenticate(headers, topic);
                Channel connection = connections.get(session);
                if (connection != null) {
                    connectionsByKey
                            .computeIfAbsent(keyId, id -> ConcurrentHashMap.newKeySet())
                            .add(connection);
                    keysByConnection.put(connection, keyId);
                }
                ActiveFault fault = activeFault(keyId);
                if (fault != null && fault.fault().kind() == ApnsFault.Kind.SLOW) {
                    // answered as usual; AnswerFaults holds the answer back
                    faultedSends.computeIfAbsent(keyId, id -> new AtomicLong()).incrementAndGet();
                }
                if (fault != null && fault.fault().kind() == ApnsFault.Kind.RESET && connection != null) {
                    faultedSends.computeIfAbsent(keyId, id -> new AtomicLong()).incrementAndGet();
                    resetting.add(connection);
                }
                if (connection != null && resetting.contains(connection)) {
                    // not accepted (nor, on a connection being cut, even after the fault ended): pushy's
                    // server writes this rejection at once, and AnswerFaults cuts it
                    UNRECORDED.set(Boolean.TRUE);
                    throw new RejectedNotificationException(RejectionReason.INTERNAL_SERVER_ERROR);
                }
                if (fault != null && fault.fault().kind() == ApnsFault.Kind.TOO_MANY_REQUESTS) {
                    faultedSends.computeIfAbsent(keyId, id -> new AtomicLong()).incrementAndGet();
                    if (fault.fault().retryAfter() != null) {
                        AnswerHeadersMockApnsServer.addToThisAnswer(
                                "retry-after",
                                Long.toString(fault.fault().retryAfter().toSeconds()));
                    }
                    throw new RejectedNotificationException(RejectionReason.TOO_MANY_REQUESTS);
                }
            }
            if (!openRegistration
                    && token != null
                    && DEVICE_TOKEN.matcher(token).matches()
                    && neverIssued(token)) {
                throw new RejectedNotificationException(RejectionReason.BAD_DEVICE_TOKEN);
            }
            validating.handlePushNotification(headers, payload);
            Injected failure = token == null ? null : injected.get(token);
            if (failure != null
                    && (failure.always() || failure.remaining().getAndUpdate(left -> Math.max(0, left - 1)) > 0)) {
                if (failure.retryAfter() != null) {
                    // pushy writes this rejection at once on this thread: the header goes with it
                    AnswerHeadersMockApnsServer.addToThisAnswer(
                            "retry-after", Long.toString(failure.retryAfter().toSeconds()));
                }
                throw new RejectedNotificationException(failure.reason());
            }
        };
    }

    /**
     * The provider token and topic, checked before the device token as APNs does (its 403 answers do not
     * depend on the device): {@code InvalidProviderToken} for a token that does not parse, a key it does
     * not know, a team that is not the key's or a signature the key does not verify; {@code
     * ExpiredProviderToken} for one older than an hour; {@code TopicDisallowed} for a topic the key may
     * not send to. pushy's validating handler checks the device token first, and the team only against
     * the connection's first token. A key's {@link ApnsFault.Kind#EXPIRED_PROVIDER_TOKEN} fault makes its
     * tokens issued before the fault ends expired. Answers the key id.
     */
    private String authenticate(Http2Headers headers, CharSequence topic) throws RejectedNotificationException {
        CharSequence authorization = headers.get("authorization");
        if (authorization == null) {
            throw new RejectedNotificationException(RejectionReason.MISSING_PROVIDER_TOKEN);
        }
        String bearer = authorization.toString();
        if (bearer.regionMatches(true, 0, "bearer ", 0, 7)) {
            bearer = bearer.substring(7).trim();
        }
        AuthenticationToken token;
        try {
            token = new AuthenticationToken(bearer);
        } catch (RuntimeException e) {
            throw new RejectedNotificationException(RejectionReason.INVALID_PROVIDER_TOKEN);
        }
        ApnsVerificationKey key = token.getKeyId() == null ? null : keysById.get(token.getKeyId());
        if (key == null || !key.getTeamId().equals(token.getTeamId()) || !verifies(token, key)) {
            throw new RejectedNotificationException(RejectionReason.INVALID_PROVIDER_TOKEN);
        }
        if (clock.instant().isAfter(token.getIssuedAt().plus(PROVIDER_TOKEN_LIFETIME))) {
            throw new RejectedNotificationException(RejectionReason.EXPIRED_PROVIDER_TOKEN);
        }
        ActiveFault fault = activeFault(token.getKeyId());
        if (fault != null
                && fault.fault().kind() == ApnsFault.Kind.EXPIRED_PROVIDER_TOKEN
                && token.getIssuedAt().isBefore(fault.until())) {
            faultedSends
                    .computeIfAbsent(token.getKeyId(), id -> new AtomicLong())
                    .incrementAndGet();
            throw new RejectedNotificationException(RejectionReason.EXPIRED_PROVIDER_TOKEN);
        }
        if (topic == null) {
            throw new RejectedNotificationException(RejectionReason.MISSING_TOPIC);
        }
        Set<String> topics = topicsByKey.get(key);
        if (topics == null || !topics.contains(topic.toString())) {
            throw new RejectedNotificationException(RejectionReason.TOPIC_DISALLOWED);
        }
        return token.getKeyId();
    }

    private ActiveFault activeFault(String keyId) {
        ActiveFault active = keyFaults.get(keyId);
        if (active != null && !clock.instant().isBefore(active.until())) {
            keyFaults.remove(keyId, active);
            return null;
        }
        return active;
    }

    /** A new connection, once its TLS handshake is done: kept until it closes, for a fault that closes it. */
    private void connected(SSLSession session, Channel channel) {
        connections.put(session, channel);
        // before pushy's HTTP/2 handler (added next): it sees what the server writes
        channel.pipeline().addLast(new AnswerFaults());
        channel.closeFuture().addListener(closed -> {
            connections.remove(session);
            connectionsByKey.values().forEach(open -> open.remove(channel));
            keysByConnection.remove(channel);
            resetting.remove(channel);
        });
    }

    /**
     * What the server writes to one connection, under its key's fault: held back for a {@link
     * ApnsFault.Kind#SLOW} fault (each write {@code latency} late, never before an earlier one), cut
     * for a {@link ApnsFault.Kind#RESET} (the first half of the answer's first buffer, then a TCP
     * reset). Runs on the connection's event loop only.
     */
    private final class AnswerFaults extends ChannelOutboundHandlerAdapter {

        private long releaseAt;
        private int held;
        private boolean cut;

        @Override
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
            if (cut) {
                ReferenceCountUtil.release(message);
                promise.trySuccess();
                return;
            }
            Channel channel = context.channel();
            if (resetting.contains(channel)) {
                cut(context, message, promise);
                return;
            }
            String keyId = keysByConnection.get(channel);
            ActiveFault fault = keyId == null ? null : activeFault(keyId);
            long delay = fault != null && fault.fault().kind() == ApnsFault.Kind.SLOW
                    ? fault.fault().latency().toNanos()
                    : 0;
            if (delay == 0 && held == 0) {
                context.write(message, promise);
                return;
            }
            long now = System.nanoTime();
            releaseAt = Math.max(now + delay, releaseAt);
            held++;
            context.executor()
                    .schedule(
                            () -> {
                                held--;
                                context.writeAndFlush(message, promise);
                            },
                            releaseAt - now,
                            TimeUnit.NANOSECONDS);
        }

        @Override
        public void flush(ChannelHandlerContext context) {
            if (held == 0 && !cut) {
                context.flush();
            }
        }

        private void cut(ChannelHandlerContext context, Object message, ChannelPromise promise) {
            cut = true;
            promise.trySuccess();
            ChannelHandlerContext tls = context.pipeline().context(SslHandler.class);
            Runnable reset = () -> {
                context.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                // from the TLS handler's place, so no close_notify goes out first: a bare reset
                (tls != null ? tls : context).close();
            };
            if (message instanceof ByteBuf bytes && bytes.readableBytes() > 1) {
                ByteBuf part = bytes.retainedSlice(bytes.readerIndex(), bytes.readableBytes() / 2);
                bytes.release();
                context.writeAndFlush(part).addListener(written -> reset.run());
            } else {
                ReferenceCountUtil.release(message);
                reset.run();
            }
        }
    }

    /**
     * The server's TLS context; while handshakes fail, a new connection's engine offers no usable cipher
     * suite, so its handshake ends in a {@code handshake_failure} alert.
     */
    private final class FailingHandshakes extends DelegatingSslContext {

        FailingHandshakes(SslContext tls) {
            super(tls);
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            if (clock.instant().isBefore(handshakesFailUntil)) {
                failedHandshakes.incrementAndGet();
                engine.setEnabledCipherSuites(new String[] {"TLS_EMPTY_RENEGOTIATION_INFO_SCSV"});
            }
        }
    }

    private static boolean verifies(AuthenticationToken token, ApnsVerificationKey key) {
        try {
            return token.verifySignature(key);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether APNs never issued {@code deviceToken}: it is registered for no topic and was never
     * unregistered. APNs answers {@code BadDeviceToken} for such a token (it decodes none it did not
     * issue); {@code DeviceTokenNotForTopic} is for a real token of another app.
     */
    private boolean neverIssued(String deviceToken) {
        if (expirationsByDeviceToken.containsKey(deviceToken)) {
            return false;
        }
        for (Set<String> tokens : deviceTokensByTopic.values()) {
            if (tokens.contains(deviceToken)) {
                return false;
            }
        }
        return true;
    }

    /**
     * pushy's builder, serving {@code tls} instead of the context it builds itself (which names its
     * trusted client authorities in the certificate request: see {@link ClientCertificateTrust}), and
     * a server that can add {@code retry-after} to a rejection ({@link AnswerHeadersMockApnsServer}).
     */
    private static final class WithTls extends MockApnsServerBuilder {

        private final SslContext tls;
        private final PushNotificationHandlerFactory handlers;
        private final MockApnsServerListener listener;
        private final java.util.function.BiConsumer<SSLSession, Channel> connections;

        WithTls(
                SslContext tls,
                PushNotificationHandlerFactory handlers,
                MockApnsServerListener listener,
                java.util.function.BiConsumer<SSLSession, Channel> connections) {
            this.tls = tls;
            this.connections = connections;
            this.handlers = handlers;
            this.listener = listener;
            // pushy's build() checks that they are set
            setHandlerFactory(handlers);
            setListener(listener);
        }

        @Override
        protected MockApnsServer constructServer(SslContext built) {
            return new AnswerHeadersMockApnsServer(
                    tls, eventLoopGroup, handlers, listener, maxConcurrentStreams, connections);
        }
    }

    private static String deviceToken(Http2Headers headers) {
        CharSequence path = headers.path();
        if (path == null) {
            return null;
        }
        String text = path.toString();
        return text.startsWith(PATH_PREFIX) ? text.substring(PATH_PREFIX.length()) : null;
    }

    private static String header(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    private final class Recorder implements MockApnsServerListener {

        @Override
        public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            String expiration = header(headers, "apns-expiration");
            String priority = header(headers, "apns-priority");
            // the number and the append under one lock: the record is in sequence order (see FcmEmulator)
            synchronized (accepted) {
                accepted.addLast(new ApnsNotification(
                        sequence.incrementAndGet(),
                        deviceToken(headers),
                        header(headers, "apns-topic"),
                        header(headers, "apns-id"),
                        header(headers, "apns-collapse-id"),
                        priority == null ? null : Integer.valueOf(priority),
                        header(headers, "apns-push-type"),
                        expiration == null || expiration.equals("0")
                                ? null
                                : Instant.ofEpochSecond(Long.parseLong(expiration)),
                        payload == null ? "" : payload.toString(StandardCharsets.UTF_8),
                        clock.instant()));
            }
        }

        @Override
        public void handlePushNotificationRejected(
                Http2Headers headers, ByteBuf payload, RejectionReason reason, Instant tokenInvalidatedAt) {
            if (UNRECORDED.get() != null) {
                UNRECORDED.remove(); // a send whose connection is reset: no answer, nothing recorded
                return;
            }
            rejected.addLast(new ApnsRejection(
                    deviceToken(headers), header(headers, "apns-topic"), reason, tokenInvalidatedAt, clock.instant()));
        }
    }
}
