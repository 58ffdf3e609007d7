package io.pushgate.delivery.attention;

import io.pushgate.delivery.callbacklog.RefusedCallbacks;
import io.pushgate.delivery.readapi.NotificationQueries;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * What needs a tenant's attention now, from what delivery-service already records: the attempts a
 * provider refused for the credential itself ({@code delivery.attempt}), the APNs certificates'
 * expiry ({@code tenancy.credential}'s public metadata, {@code expiresAt}), the refused-callback log,
 * and notifications that wait unfinished. Each item names its credential or configuration and says
 * what to do; an item about a credential or configuration that no longer exists is left out (nothing
 * can be fixed there).
 */
@Service
class Attention {

    /**
     * The error codes of an attempt that mean "the provider refused the credential" (or it could not
     * be used), not the device or the message: what the tenant fixes on its credential.
     */
    static final Map<String, String> CREDENTIAL_REFUSALS = Map.of(
            "UNAUTHENTICATED",
            "Google refused the service account (UNAUTHENTICATED): its key was deleted or disabled. Create a new"
                    + " key in the Firebase console and replace this credential with it.",
            "PERMISSION_DENIED",
            "Google refused the service account (PERMISSION_DENIED): it may not send for this Firebase project."
                    + " Give it the Firebase Cloud Messaging role, or replace the credential with the project's own.",
            "NOT_FOUND",
            "FCM does not know the credential's Firebase project (NOT_FOUND): replace the credential with one of"
                    + " the app's project.",
            "THIRD_PARTY_AUTH_ERROR",
            "FCM could not authenticate to APNs for iOS pushes (THIRD_PARTY_AUTH_ERROR): upload a valid APNs"
                    + " key or certificate in the Firebase console's Cloud Messaging settings.",
            "invalid_grant",
            "Google refused the service account's key (invalid_grant): create a new key and replace this"
                    + " credential with it.",
            "InvalidProviderToken",
            "APNs refused the token key (InvalidProviderToken): check its key id and team id, or that the key was"
                    + " not revoked in Apple's developer account; replace the credential with a valid .p8 key.",
            "certificate_refused",
            "APNs refused the certificate (expired, revoked or not for this app): create a new one in Apple's"
                    + " developer account and replace the credential with it.",
            "credential_unusable",
            "The credential cannot be opened or used: replace it on the Credentials page.");

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final DatabaseClient database;
    private final NotificationQueries notifications;
    private final RefusedCallbacks refused;
    private final AttentionSettings settings;
    private final Clock clock;

    Attention(
            DatabaseClient database,
            NotificationQueries notifications,
            RefusedCallbacks refused,
            AttentionSettings settings) {
        this.database = database;
        this.notifications = notifications;
        this.refused = refused;
        this.settings = settings;
        this.clock = Clock.systemUTC();
    }

    /** The tenant's items: failing credentials, expiring certificates, refused configurations, backlog. */
    Mono<AttentionPage> of(UUID tenantId) {
        Instant now = clock.instant();
        Instant since = now.minus(settings.window());
        return Mono.zip(
                        credentials(tenantId),
                        configurations(tenantId),
                        notifications.failingCredentials(tenantId, List.copyOf(CREDENTIAL_REFUSALS.keySet()), since),
                        refused.refusedSince(tenantId, since),
                        notifications.backlog(tenantId, now.minus(settings.backlogAge())))
                .map(found -> {
                    Map<UUID, CredentialRow> credentials = found.getT1();
                    Map<UUID, String> configurations = found.getT2();
                    List<AttentionItem> items = new ArrayList<>();
                    for (var failing : found.getT3()) {
                        CredentialRow credential = credentials.get(failing.credentialId());
                        if (credential != null) {
                            items.add(new AttentionItem(
                                    AttentionKind.CREDENTIAL_FAILING.text(),
                                    AttentionItem.Subject.credential(credential.id(), credential.name()),
                                    failing.failures(),
                                    failing.lastAt(),
                                    failing.errorCode(),
                                    CREDENTIAL_REFUSALS.get(failing.errorCode())));
                        }
                    }
                    Instant notice = now.plus(settings.certificateNotice());
                    credentials.values().stream()
                            .filter(credential -> credential.expiresAt() != null
                                    && credential.expiresAt().isBefore(notice))
                            .sorted((a, b) -> a.expiresAt().compareTo(b.expiresAt()))
                            .forEach(credential -> items.add(new AttentionItem(
                                    AttentionKind.CERTIFICATE_EXPIRING.text(),
                                    AttentionItem.Subject.credential(credential.id(), credential.name()),
                                    null,
                                    credential.expiresAt(),
                                    null,
                                    certificateHint(credential.expiresAt(), now))));
                    for (var refusals : found.getT4()) {
                        String name = configurations.get(refusals.configurationId());
                        if (name != null) {
                            items.add(new AttentionItem(
                                    AttentionKind.CALLBACKS_REFUSED.text(),
                                    AttentionItem.Subject.configuration(refusals.configurationId(), name),
                                    refusals.logged(),
                                    refusals.lastAt(),
                                    refusals.reason(),
                                    refusals.hint()));
                        }
                    }
                    for (var backlog : found.getT5()) {
                        String name = configurations.get(backlog.configurationId());
                        if (name != null) {
                            items.add(new AttentionItem(
                                    AttentionKind.DELIVERY_BACKLOG.text(),
                                    AttentionItem.Subject.configuration(backlog.configurationId(), name),
                                    backlog.waiting(),
                                    backlog.oldest(),
                                    null,
                                    backlogHint(backlog.waiting())));
                        }
                    }
                    return new AttentionPage(List.copyOf(items), now);
                });
    }

    private String backlogHint(long waiting) {
        return (waiting == 1 ? "A notification has" : waiting + " notifications have") + " waited more than "
                + settings.backlogAge().toMinutes()
                + " minutes without being delivered: the provider may be slow, limiting or refusing."
                + " Open them in the delivery log to see their attempts, and check the configuration's credential.";
    }

    private static String certificateHint(Instant expiresAt, Instant now) {
        return expiresAt.isBefore(now)
                ? "The APNs certificate expired on " + DAY.format(expiresAt)
                        + ": iOS pushes through it fail. Create a new one in Apple's developer account and replace"
                        + " the credential with it."
                : "The APNs certificate expires on " + DAY.format(expiresAt)
                        + ". Create a new one in Apple's developer account and replace the credential with it"
                        + " before then.";
    }

    private record CredentialRow(UUID id, String name, Instant expiresAt) {}

    /** The tenant's credentials (id, name, an APNs certificate's expiry) from tenancy's public columns. */
    private Mono<Map<UUID, CredentialRow>> credentials(UUID tenantId) {
        return database.sql("SELECT id, name, CASE WHEN type = $2 THEN metadata ->> 'expiresAt' END AS expires_at"
                        + " FROM tenancy.credential WHERE tenant_id = $1")
                .bind(0, tenantId)
                .bind(1, PushProvider.APNS.text())
                .map((row, metadata) -> new CredentialRow(
                        row.get("id", UUID.class),
                        row.get("name", String.class),
                        instant(row.get("expires_at", String.class))))
                .all()
                .collectMap(CredentialRow::id, Function.identity());
    }

    /** The tenant's configurations' names by id. */
    private Mono<Map<UUID, String>> configurations(UUID tenantId) {
        return database.sql("SELECT id, name FROM tenancy.configuration WHERE tenant_id = $1")
                .bind(0, tenantId)
                .map((row, metadata) -> Map.entry(row.get("id", UUID.class), row.get("name", String.class)))
                .all()
                .collectList()
                .map(rows -> rows.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException notAnInstant) {
            return null;
        }
    }
}
