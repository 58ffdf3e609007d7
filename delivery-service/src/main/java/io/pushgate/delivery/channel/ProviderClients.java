package io.pushgate.delivery.channel;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.api.secret.SecretUnreadableException;
import io.pushgate.delivery.configuration.ChangeKind;
import io.pushgate.delivery.configuration.TenancyChanged;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.delivery.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * using it finish; the next send builds the new one. What the clients share lives as long as this:
 * the APNs event loop and the FCM send threads ({@link FcmSendPool}).
 */
@Service
public class ProviderClients implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ProviderClients.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient database;
    private final SecretCipher cipher;
    private final ProviderSettings settings;
    private final SandboxSettings sandbox;
    private final AsyncCache<Key, PushChannel> channels;
    private final FcmSendPool fcmSends;

    /** A channel's identity: its credential, and for APNs the environment (production or sandbox) it talks to. */
    private record Key(UUID credentialId, String apnsEnvironment) {}

    private volatile EventLoopGroup apnsLoop; // made on the first APNs credential

    ProviderClients(
            DatabaseClient database,
            SecretCipher cipher,
            ProviderSettings settings,
            SandboxSettings sandbox,
            MeterRegistry meters) {
        this.database = database;
        this.cipher = cipher;
        this.settings = settings;
        this.sandbox = sandbox;
        this.fcmSends = new FcmSendPool(settings.fcmSendThreads(), settings.fcmSendQueue());
        Gauge.builder("pushgate.fcm.sends.active", fcmSends, FcmSendPool::active)
                .description("FCM sends running now, on pushgate.providers.fcm-send-threads threads")
                .register(meters);
        Gauge.builder("pushgate.fcm.sends.queued", fcmSends, FcmSendPool::queued)
                .description("FCM sends waiting for a thread (at most pushgate.providers.fcm-send-queue)")
                .register(meters);
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

    /**
     * Tests credential {@code credentialId} of tenant {@code tenantId} with a client of its own (never
     * the one deliveries share; closed afterwards): {@link PushChannel#probe}, a send that cannot reach
     * a device. Empty when the tenant has no such credential. Built and closed off the event loop;
     * nothing is recorded.
     */
    public Mono<Probe> probe(UUID tenantId, UUID credentialId) {
        return load(tenantId, credentialId)
                .onErrorMap(SecretUnreadableException.class, CredentialUnusableException::new)
                .flatMap(credential -> Mono.usingWhen(
                                Mono.fromCallable(() -> build(credential, null))
                                        .subscribeOn(Schedulers.boundedElastic()),
                                channel -> channel.probe(),
                                channel -> Mono.fromRunnable(channel::close)
                                        .subscribeOn(Schedulers.boundedElastic())
                                        .onErrorResume(e -> Mono.empty()))
                        .onErrorResume(
                                CredentialUnusableException.class,
                                unusable -> Mono.just(new DeliveryOutcome.Rejected(
                                        unusable.getMessage() != null
                                                        && unusable.getMessage().startsWith(Probe.SANDBOX_UNAVAILABLE)
                                                ? Probe.SANDBOX_UNAVAILABLE
                                                : Probe.CREDENTIAL_UNUSABLE)))
                        .map(outcome -> new Probe(credential.provider(), credential.metadata(), outcome)));
    }

    /**
     * A firebase-admin client, as every FCM credential gets, to the warm-up's FCM stand-in at {@code
     * standIn} for the made-up {@code projectId}, sending {@code accessToken}: never cached, never
     * a tenant's; the caller closes it. {@code standIn} must be a loopback address, so that no send
     * of it can reach a provider.
     */
    public PushChannel fcmRehearsal(URI standIn, String projectId, String accessToken) {
        if (!isLoopback(standIn)) {
            throw new IllegalArgumentException("the FCM stand-in must be on loopback, not " + standIn.getHost());
        }
        return FcmChannel.rehearsal(standIn, projectId, accessToken, fcmSends, settings);
    }

    private static boolean isLoopback(URI address) {
        try {
            return address.getHost() != null
                    && InetAddress.getByName(address.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @EventListener
    void changed(TenancyChanged change) {
        if (!change.concerns(ChangeKind.CREDENTIAL)) {
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
                            provider(row.get("type", String.class)),
                            metadata(row.get("metadata", String.class)),
                            sealed == null ? null : cipher.openText(bytes(sealed), tenantId, credentialId));
                })
                .one();
    }

    private PushChannel build(Credential credential, String apnsEnvironment) {
        try {
            PushChannel channel = switch (credential.provider()) {
                case FCM -> FcmChannel.create(credential, fcmSends, settings);
                case APNS -> ApnsChannel.create(credential, apnsEnvironment, apnsLoop(), settings);
                case SANDBOX -> FcmChannel.sandbox(credential, sandbox, fcmSends, settings);
            };
            log.info(
                    "Provider client ready: credential={} type={}",
                    credential.id(),
                    credential.provider().text());
            return channel;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof CredentialUnusableException unusable) {
                throw unusable;
            }
            // the message may quote the material: only the kind of failure is kept
            throw new CredentialUnusableException("credential " + credential.id() + " ("
                    + credential.provider().text() + ") cannot be used: "
                    + e.getClass().getSimpleName());
        }
    }

    // pushy picks its channel class by the group's class, and knows NioEventLoopGroup (deprecated in Netty 4.2)
    @SuppressWarnings("deprecation")
    private synchronized EventLoopGroup apnsLoop() {
        if (apnsLoop == null) {
            apnsLoop = new io.netty.channel.nio.NioEventLoopGroup(settings.apnsEventLoopThreads());
        }
        return apnsLoop;
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
        fcmSends.close();
    }

    private static PushProvider provider(String type) {
        return PushProvider.of(type)
                .orElseThrow(() -> new CredentialUnusableException("unknown credential type " + type));
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

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
