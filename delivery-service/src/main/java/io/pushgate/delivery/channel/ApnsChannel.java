package io.pushgate.delivery.channel;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.ApnsPushNotification;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import io.pushgate.api.secret.ApnsCertificateSecret;
import io.pushgate.delivery.registration.PushProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * APNs over HTTP/2 through pushy: one {@link ApnsClient} per credential and APNs environment (token
 * authentication with the tenant's .p8 key, or TLS client authentication with its .p12 certificate);
 * the topic is the registration's app id, else the credential's. A rejection is an answer, not an
 * error; a broken connection or a time-out fails a send transiently, and APNs refusing a certificate
 * at the TLS handshake is the permanent {@code certificate_refused}.
 */
final class ApnsChannel implements PushChannel {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> TOKEN_REJECTIONS =
            Set.of("BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic");
    private static final Set<String> TRANSIENT_REJECTIONS =
            Set.of("TooManyRequests", "InternalServerError", "ServiceUnavailable", "Shutdown", "IdleTimeout");

    /**
     * The device token of {@link #probe}: well-formed, and never issued (APNs issues none of zeros);
     * with {@code apns-expiration} 0 and no alert, nothing would be stored or shown even if it were.
     */
    static final String PROBE_TOKEN = "0".repeat(64);

    private static final String PROBE_PAYLOAD = "{\"aps\":{\"content-available\":1}}";

    /** A credential's {@code metadata.authentication} when it is a .p12 certificate (else a .p8 token key). */
    private static final String CERTIFICATE = "certificate";
    /** The TLS alerts with which APNs refuses a client certificate (unknown, expired, revoked). */
    private static final Set<String> CERTIFICATE_ALERTS = Set.of(
            "bad_certificate",
            "certificate_unknown",
            "certificate_expired",
            "certificate_revoked",
            "unknown_ca",
            "access_denied",
            "certificate_required");

    private final ApnsClient client;
    private final String topic;
    private final Duration timeout;
    private final boolean certificate;
    private final ApnsRetryAfter retryAfter;

    private ApnsChannel(
            ApnsClient client, String topic, Duration timeout, boolean certificate, ApnsRetryAfter retryAfter) {
        this.client = client;
        this.retryAfter = retryAfter;
        this.topic = topic;
        this.timeout = timeout;
        this.certificate = certificate;
    }

    /**
     * The channel of an APNs credential: token authentication with its .p8 key, its team and key id
     * (or, for a certificate, TLS client authentication with its .p12 and password) and its topic, to the APNs environment {@code apnsEnvironment} ({@code production} or {@code
     * sandbox}; {@code null}: the credential's own), or to {@code settings}' APNs server when one is
     * set. Every APNs channel shares {@code loop}.
     */
    static ApnsChannel create(
            Credential credential, String apnsEnvironment, EventLoopGroup loop, ProviderSettings settings)
            throws IOException, GeneralSecurityException {
        Map<String, String> metadata = credential.metadata();
        String environment = apnsEnvironment != null ? apnsEnvironment : metadata.get("environment");
        boolean certificate = CERTIFICATE.equals(metadata.get("authentication"));
        ApnsRetryAfter retryAfter = new ApnsRetryAfter();
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setEventLoopGroup(loop)
                .setConnectionTimeout(settings.sendTimeout())
                .setFrameLogger(retryAfter);
        if (certificate) {
            // the .p12 and its password, as tenant-service sealed them (checked there: one key, Apple's, valid)
            if (credential.secret() == null) {
                throw new CredentialUnusableException("the credential has no material");
            }
            ApnsCertificateSecret p12 = ApnsCertificateSecret.decode(credential.secret());
            builder.setClientCredentials(new ByteArrayInputStream(p12.p12()), p12.password());
        } else {
            builder.setSigningKey(ApnsSigningKey.loadFromInputStream(
                    credential.material(), metadata.get("teamId"), metadata.get("keyId")));
        }
        if (settings.apnsServer() != null) {
            int port = settings.apnsServer().getPort() < 0
                    ? 443
                    : settings.apnsServer().getPort();
            builder.setApnsServer(settings.apnsServer().getHost(), port);
        } else {
            builder.setApnsServer(
                    "sandbox".equals(environment)
                            ? ApnsClientBuilder.DEVELOPMENT_APNS_HOST
                            : ApnsClientBuilder.PRODUCTION_APNS_HOST);
        }
        if (settings.apnsTrustedCertificate() != null
                && !settings.apnsTrustedCertificate().isBlank()) {
            builder.setTrustedServerCertificateChain(trustedCertificate(settings.apnsTrustedCertificate()));
        }
        return new ApnsChannel(builder.build(), metadata.get("topic"), settings.sendTimeout(), certificate, retryAfter);
    }

    private static X509Certificate trustedCertificate(String pemOrPath) throws IOException, GeneralSecurityException {
        byte[] pem = pemOrPath.strip().startsWith("-----BEGIN")
                ? pemOrPath.getBytes(StandardCharsets.US_ASCII)
                : Files.readAllBytes(Path.of(pemOrPath));
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    @Override
    public PushProvider provider() {
        return PushProvider.APNS;
    }

    /**
     * Sends {@code push}. A send not answered within the send timeout is given up ({@code timeout},
     * tried again later); pushy may still hold it unwritten — waiting for a connection (a slow TLS
     * handshake, a reconnection's back-off) — and would write it once one opens, beside the later
     * try: so a given-up send is {@linkplain Abandonable#abandon() abandoned} and never goes out.
     */
    @Override
    public Mono<DeliveryOutcome> send(Push push) {
        return Mono.defer(() -> {
            Abandonable notification = new Abandonable(new SimpleApnsPushNotification(
                    push.deviceToken(),
                    push.topic() != null ? push.topic() : topic,
                    payload(push),
                    push.expiresAt(),
                    DeliveryPriority.IMMEDIATE,
                    PushType.ALERT,
                    push.collapseId(),
                    push.notificationId()));
            return Mono.fromFuture(client.sendNotification(notification))
                    .map(response -> outcome(response, retryAfter.take(response.getApnsId())))
                    .timeout(timeout, Mono.fromSupplier(() -> {
                        notification.abandon();
                        return new DeliveryOutcome.Transient("timeout", null);
                    }))
                    .onErrorResume(error -> Mono.just(failure(error)));
        });
    }

    /**
     * A notification that can be abandoned before pushy writes it. pushy (0.15) reads the device token
     * only when it writes the notification to a connection, on that connection's event loop; once
     * abandoned, that read fails, so pushy fails the write and nothing goes out. A notification
     * already written is not called back: APNs may have it (the at-least-once edge of any send).
     */
    static final class Abandonable implements ApnsPushNotification {

        private final ApnsPushNotification notification;
        private volatile boolean abandoned;

        Abandonable(ApnsPushNotification notification) {
            this.notification = notification;
        }

        /** From now on pushy cannot write it. */
        void abandon() {
            abandoned = true;
        }

        @Override
        public String getToken() {
            if (abandoned) {
                throw new IllegalStateException("the send was given up before pushy wrote it");
            }
            return notification.getToken();
        }

        @Override
        public String getPayload() {
            return notification.getPayload();
        }

        @Override
        public Instant getExpiration() {
            return notification.getExpiration();
        }

        @Override
        public DeliveryPriority getPriority() {
            return notification.getPriority();
        }

        @Override
        public PushType getPushType() {
            return notification.getPushType();
        }

        @Override
        public String getTopic() {
            return notification.getTopic();
        }

        @Override
        public String getCollapseId() {
            return notification.getCollapseId();
        }

        @Override
        public java.util.UUID getApnsId() {
            return notification.getApnsId();
        }
    }

    /**
     * Whether the TLS handshake failed on a certificate alert: APNs refused the tenant's certificate
     * (unknown, expired or revoked), which sending again cannot fix.
     */
    static boolean refusedCertificate(Throwable error) {
        Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException && cause.getMessage() != null) {
                String message = cause.getMessage();
                if (CERTIFICATE_ALERTS.stream().anyMatch(message::contains)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public Mono<DeliveryOutcome> probe() {
        SimpleApnsPushNotification notification = new SimpleApnsPushNotification(
                PROBE_TOKEN, topic, PROBE_PAYLOAD, Instant.EPOCH, DeliveryPriority.CONSERVE_POWER, PushType.BACKGROUND);
        return Mono.defer(() -> Mono.fromFuture(client.sendNotification(notification)))
                .map(response -> outcome(response, retryAfter.take(response.getApnsId())))
                .timeout(timeout, Mono.fromSupplier(() -> new DeliveryOutcome.Transient("timeout", null)))
                .onErrorResume(error -> Mono.just(failure(error)));
    }

    /** A send that failed before APNs answered: a refused certificate, or a transient I/O error. */
    private DeliveryOutcome failure(Throwable error) {
        return certificate && refusedCertificate(error)
                ? new DeliveryOutcome.Rejected("certificate_refused")
                : new DeliveryOutcome.Transient("io_error", null);
    }

    /**
     * APNs' answer as a value; {@code retryAfter} is the answer's {@code retry-after} (or {@code
     * null}), honoured for a transient one as FCM's is.
     */
    static DeliveryOutcome outcome(
            PushNotificationResponse<? extends ApnsPushNotification> response, Duration retryAfter) {
        if (response.isAccepted()) {
            return new DeliveryOutcome.Accepted(String.valueOf(response.getApnsId()));
        }
        String reason = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        if (TOKEN_REJECTIONS.contains(reason) || response.getStatusCode() == 410) {
            return new DeliveryOutcome.TokenRejected(reason);
        }
        if (TRANSIENT_REJECTIONS.contains(reason)
                // pushy signs a new provider token after this answer: the next try carries it
                || "ExpiredProviderToken".equals(reason)
                || response.getStatusCode() == 429
                || response.getStatusCode() >= 500) {
            return new DeliveryOutcome.Transient(reason, retryAfter);
        }
        // InvalidProviderToken, TopicDisallowed, BadTopic, PayloadTooLarge, …
        return new DeliveryOutcome.Rejected(reason);
    }

    /** The alert with the template's title and body, {@code mutable-content}, the AXP fields as custom keys. */
    static String payload(Push push) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aps = root.putObject("aps");
        ObjectNode alert = aps.putObject("alert");
        alert.put("title", push.title());
        alert.put("body", push.body());
        aps.put("mutable-content", 1);
        FcmMessages.data(push.fields()).forEach((key, value) -> {
            if (!"aps".equals(key)) {
                root.put(key, value);
            }
        });
        return JSON.writeValueAsString(root);
    }

    @Override
    public void close() {
        client.close();
    }
}
