package io.pushgate.delivery.channel;

import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.netty.channel.EventLoopGroup;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.api.secret.SecretUnreadableException;
import io.pushgate.delivery.configuration.TenancyChanged;
import io.pushgate.delivery.sandbox.SandboxSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One long-lived {@link PushChannel} per credential (per credential and environment for APNs): built on first use from {@code
 * tenancy.credential} (the material opened with the keyset), reused, and dropped when the control
 * plane changes or deletes the credential ({@link TenancyChanged}) or it has not been used for {@code
 * client-idle-timeout}. A dropped client is closed only after {@code close-delay}, so the sends still
 * using it finish; the next send builds the new one.
 */
@Service
public class ProviderClients implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProviderClients.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int FCM_CONNECTIONS = 64;
    private static final AtomicLong GENERATION = new AtomicLong();

    private final DatabaseClient database;
    private final SecretCipher cipher;
    private final ProviderSettings settings;
    private final SandboxSettings sandbox;
    private final AsyncCache<Key, PushChannel> channels;

    /** A channel's identity: its credential, and for APNs the environment (production or sandbox) it talks to. */
    private record Key(UUID credentialId, String apnsEnvironment) {}

    private volatile EventLoopGroup apnsLoop; // made on the first APNs credential

    ProviderClients(DatabaseClient database, SecretCipher cipher, ProviderSettings settings, SandboxSettings sandbox) {
        this.database = database;
        this.cipher = cipher;
        this.settings = settings;
        this.sandbox = sandbox;
        this.channels = Caffeine.newBuilder()
                .expireAfterAccess(settings.clientIdleTimeout())
                .removalListener((Key key, PushChannel channel, RemovalCause cause) -> closeLater(channel))
                .buildAsync();
    }

    /**
     * The channel of credential {@code credentialId} of tenant {@code tenantId}; empty when there is
     * no such credential. Fails with {@link CredentialUnusableException} when its material cannot be
     * opened or used (the tenant must replace it).
     */
    public Mono<PushChannel> channel(UUID tenantId, UUID credentialId) {
        return channel(tenantId, credentialId, null);
    }

    /**
     * The same, for a device of the APNs environment {@code apnsEnvironment} ({@code production} or
     * {@code sandbox}, as the app registered it; {@code null}: the credential's own). An APNs key
     * works in both environments, a device token only in the one its app was built for.
     */
    public Mono<PushChannel> channel(UUID tenantId, UUID credentialId, String apnsEnvironment) {
        Key key = new Key(credentialId, apnsEnvironment);
        return Mono.fromFuture(
                        channels.get(
                                key,
                                (wanted, executor) -> load(tenantId, wanted.credentialId())
                                        .publishOn(Schedulers.boundedElastic())
                                        .map(credential -> build(credential, wanted.apnsEnvironment()))
                                        .toFuture()),
                        true)
                // material that does not open with this keyset is the tenant's (or the operator's) to fix;
                // a database error is not: it fails the send as it is, and the lease brings it back
                .onErrorMap(SecretUnreadableException.class, CredentialUnusableException::new);
    }

    @EventListener
    void changed(TenancyChanged change) {
        if (!change.concerns("credential")) {
            return;
        }
        if (change.id() == null) {
            channels.synchronous().invalidateAll();
        } else {
            channels.synchronous()
                    .invalidateAll(channels.asMap().keySet().stream()
                            .filter(key -> key.credentialId().equals(change.id()))
                            .toList());
        }
    }

    private Mono<Credential> load(UUID tenantId, UUID credentialId) {
        return database.sql("""
                        SELECT type, metadata::text AS metadata, material_ciphertext
                        FROM tenancy.credential WHERE id = $1 AND tenant_id = $2""")
                .bind(0, credentialId)
                .bind(1, tenantId)
                .map((row, metadata) -> {
                    ByteBuffer sealed = row.get("material_ciphertext", ByteBuffer.class);
                    return new Credential(
                            credentialId,
                            tenantId,
                            row.get("type", String.class),
                            metadata(row.get("metadata", String.class)),
                            sealed == null ? null : cipher.openText(bytes(sealed), tenantId, credentialId));
                })
                .one();
    }

    private PushChannel build(Credential credential, String apnsEnvironment) {
        // FirebaseApp names are JVM-wide (several contexts may share a JVM, as in tests)
        String name = "pushgate-" + credential.id() + "-" + GENERATION.incrementAndGet();
        try {
            PushChannel channel = switch (credential.type()) {
                case "sandbox" -> sandbox(credential, name);
                case "fcm" ->
                    FcmChannel.create(
                            "fcm",
                            name,
                            GoogleCredentials.fromStream(stream(credential.secret())),
                            credential.metadata().get("projectId"),
                            settings.fcmUrl(),
                            settings.sendTimeout(),
                            FCM_CONNECTIONS);
                case "apns" -> apns(credential, apnsEnvironment);
                default -> throw new CredentialUnusableException("unknown credential type " + credential.type());
            };
            log.info("Provider client ready: credential={} type={}", credential.id(), credential.type());
            return channel;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof CredentialUnusableException unusable) {
                throw unusable;
            }
            // the message may quote the material: only the kind of failure is kept
            throw new CredentialUnusableException("credential " + credential.id() + " (" + credential.type()
                    + ") cannot be used: " + e.getClass().getSimpleName());
        }
    }

    private PushChannel sandbox(Credential credential, String name) {
        if (!sandbox.isAvailable()) {
            throw new CredentialUnusableException(
                    "sandbox_unavailable: no FCM emulator is configured (pushgate.sandbox.fcm-url)");
        }
        GoogleCredentials token = GoogleCredentials.newBuilder()
                .setAccessToken(new AccessToken(
                        sandbox.accessToken(), Date.from(Instant.now().plus(3650, ChronoUnit.DAYS))))
                .build();
        return FcmChannel.create(
                "sandbox",
                name,
                token,
                SandboxSettings.projectId(credential.tenantId()),
                sandbox.fcmUrl(),
                settings.sendTimeout(),
                FCM_CONNECTIONS);
    }

    private PushChannel apns(Credential credential, String apnsEnvironment)
            throws IOException, GeneralSecurityException {
        Map<String, String> metadata = credential.metadata();
        String environment = apnsEnvironment != null ? apnsEnvironment : metadata.get("environment");
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setSigningKey(ApnsSigningKey.loadFromInputStream(
                        stream(credential.secret()), metadata.get("teamId"), metadata.get("keyId")))
                .setEventLoopGroup(apnsLoop())
                .setConnectionTimeout(settings.sendTimeout());
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
        return new ApnsChannel(builder.build(), metadata.get("topic"), settings.sendTimeout());
    }

    // pushy picks its channel class by the group's class, and knows NioEventLoopGroup (deprecated in Netty 4.2)
    @SuppressWarnings("deprecation")
    private synchronized EventLoopGroup apnsLoop() {
        if (apnsLoop == null) {
            apnsLoop = new io.netty.channel.nio.NioEventLoopGroup(settings.apnsEventLoopThreads());
        }
        return apnsLoop;
    }

    private static X509Certificate trustedCertificate(String pemOrPath) throws IOException, GeneralSecurityException {
        byte[] pem = pemOrPath.strip().startsWith("-----BEGIN")
                ? pemOrPath.getBytes(StandardCharsets.US_ASCII)
                : Files.readAllBytes(Path.of(pemOrPath));
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    private void closeLater(PushChannel channel) {
        if (channel == null) {
            return;
        }
        Schedulers.single()
                .schedule(
                        () -> {
                            try {
                                channel.close();
                            } catch (RuntimeException e) {
                                log.warn("Closing a provider client failed: {}", e.toString());
                            }
                        },
                        settings.closeDelay().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        channels.asMap()
                .values()
                .forEach(future -> future.thenAccept(channel -> {
                    if (channel != null) {
                        channel.close();
                    }
                }));
        EventLoopGroup loop = apnsLoop;
        if (loop != null) {
            loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> metadata(String json) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (json != null) {
            JsonNode node = JSON.readTree(json);
            node.properties()
                    .forEach(entry ->
                            metadata.put(entry.getKey(), entry.getValue().asString()));
        }
        return metadata;
    }

    private static InputStream stream(String text) {
        if (text == null) {
            throw new CredentialUnusableException("the credential has no material");
        }
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
