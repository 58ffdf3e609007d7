package io.pushgate.delivery.credential;

import io.pushgate.delivery.channel.CredentialUnusableException;
import io.pushgate.delivery.channel.DeliveryOutcome;
import io.pushgate.delivery.channel.Probe;
import io.pushgate.delivery.channel.ProviderClients;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Tests a tenant's provider credential ({@link ProviderClients#probe}: FCM validates a message to a
 * made-up token without sending it; APNs is sent a push to a token it never issued) and says what
 * the provider's answer means for the tenant, with what to fix. Nothing reaches a device, nothing is
 * stored.
 */
@Service
class ConnectionTests {

    private static final String KEY_FILE_HINT = "Create a new private key in the Firebase console (Project settings >"
            + " Service accounts > Generate new private key) and replace this credential with the downloaded JSON"
            + " file.";
    private static final String FCM_NETWORK_HINT = "Try again in a few minutes. If it keeps failing, the operator"
            + " should check that this server reaches fcm.googleapis.com and oauth2.googleapis.com over HTTPS.";
    private static final String APNS_NETWORK_HINT = "Try again in a few minutes. If it keeps failing, the operator"
            + " should check that this server reaches api.push.apple.com and api.sandbox.push.apple.com on port 443.";
    private static final String UNUSABLE_HINT = "Replace the credential, uploading its key file again. If every"
            + " credential shows this, the operator should check that Pushgate runs with its own keyset"
            + " (pushgate.keyset).";

    private final ProviderClients clients;

    ConnectionTests(ProviderClients clients) {
        this.clients = clients;
    }

    /** The test of credential {@code credentialId} of tenant {@code tenantId}; empty when it has none such. */
    Mono<ConnectionTest> test(UUID tenantId, UUID credentialId) {
        return clients.probe(tenantId, credentialId)
                .map(ConnectionTests::words)
                .onErrorResume(
                        CredentialUnusableException.class,
                        unusable -> Mono.just(ConnectionTest.failed(
                                ConnectionOutcome.UNUSABLE,
                                "Pushgate cannot open this credential's key material.",
                                UNUSABLE_HINT)));
    }

    static ConnectionTest words(Probe probe) {
        DeliveryOutcome outcome = probe.outcome();
        if (outcome instanceof DeliveryOutcome.Rejected rejected
                && Probe.CREDENTIAL_UNUSABLE.equals(rejected.errorCode())) {
            return ConnectionTest.failed(
                    ConnectionOutcome.UNUSABLE,
                    "Pushgate cannot use this credential: its key file could not be read.",
                    UNUSABLE_HINT);
        }
        return switch (probe.provider()) {
            case FCM -> fcm(probe.metadata(), outcome);
            case APNS -> apns(probe.metadata(), outcome);
            case SANDBOX -> sandbox(outcome);
        };
    }

    private static ConnectionTest fcm(Map<String, String> metadata, DeliveryOutcome outcome) {
        String account = metadata.getOrDefault("clientEmail", "the service account");
        String project = metadata.getOrDefault("projectId", "?");
        if (outcome instanceof DeliveryOutcome.Accepted || outcome instanceof DeliveryOutcome.TokenRejected) {
            // a made-up registration token refused means the account got that far: it may send
            return ConnectionTest.accepted("Firebase accepted the service account " + account + " for project "
                    + project + ". The test message was only validated, not sent.");
        }
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            return switch (rejected.errorCode()) {
                case "invalid_grant" ->
                    ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "Google refused the service account's key: it was deleted or disabled, or this file"
                                    + " is not a current key of " + account + ".",
                            KEY_FILE_HINT);
                case "UNAUTHENTICATED" ->
                    ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "Firebase did not accept the service account " + account + ".",
                            KEY_FILE_HINT);
                case "PERMISSION_DENIED" ->
                    ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "The service account " + account + " may not send messages for the Firebase project "
                                    + project + ".",
                            "Use the service account file of this Firebase project (Project settings > Service"
                                    + " accounts), or give this account the role Firebase Cloud Messaging API"
                                    + " Admin; check that the Firebase Cloud Messaging API is enabled for the"
                                    + " project.");
                case "NOT_FOUND" ->
                    ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "Firebase knows no project " + project
                                    + ", or its Firebase Cloud Messaging API is not enabled.",
                            "Check the project in the Firebase console and enable the Firebase Cloud Messaging"
                                    + " API (V1) under Project settings > Cloud Messaging; then upload that"
                                    + " project's service account file.");
                default ->
                    ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "Firebase refused the test message (" + rejected.errorCode() + ").",
                            KEY_FILE_HINT);
            };
        }
        return switch (outcome.errorCode()) {
            case "timeout" ->
                ConnectionTest.failed(
                        ConnectionOutcome.UNREACHABLE,
                        "Firebase did not answer in time: the credential was not tested.",
                        FCM_NETWORK_HINT);
            // this instance's FCM send threads were all busy and their queue full, or the test waited too long
            case "send_queue_full", "send_queue_timeout" ->
                ConnectionTest.failed(
                        ConnectionOutcome.UNREACHABLE,
                        "Pushgate was too busy sending to Firebase to test it now: the credential was not tested.",
                        "Try again in a minute.");
            default ->
                ConnectionTest.failed(
                        ConnectionOutcome.UNREACHABLE,
                        "Pushgate could not reach Firebase (" + outcome.errorCode()
                                + "): the credential was not tested.",
                        FCM_NETWORK_HINT);
        };
    }

    private static ConnectionTest apns(Map<String, String> metadata, DeliveryOutcome outcome) {
        String keyId = metadata.getOrDefault("keyId", "?");
        String teamId = metadata.getOrDefault("teamId", "?");
        String topic = metadata.getOrDefault("topic", "?");
        String environment = "sandbox".equals(metadata.get("environment")) ? "development (sandbox)" : "production";
        String bundleHint = "Enter the app's bundle ID exactly as in Xcode (Signing & Capabilities), e.g."
                + " com.example.app; it must be an app of team " + teamId
                + " with Push Notifications enabled for its App ID.";
        String reason = outcome.errorCode();
        if ("certificate".equals(metadata.get("authentication"))) {
            return apnsCertificate(metadata, outcome, topic, environment, bundleHint);
        }
        if (apnsAccepted(outcome)) {
            return ConnectionTest.accepted("Apple accepted key " + keyId + " of team " + teamId + " for the app "
                    + topic + " in the " + environment + " environment. No notification was delivered.");
        }
        return switch (reason) {
            case "InvalidProviderToken" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple did not accept the key: the key ID " + keyId + ", the team ID " + teamId
                                + " and the .p8 file do not belong together, or the key was revoked.",
                        "In your Apple Developer account, check the Key ID (Certificates, Identifiers & Profiles >"
                                + " Keys) and the Team ID (Membership details), and upload that key's .p8 file; if"
                                + " the key was revoked, create a new one with Apple Push Notifications service"
                                + " (APNs) enabled and replace this credential.");
            case "TopicDisallowed" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple does not let key " + keyId + " of team " + teamId + " send to the app " + topic + ".",
                        bundleHint);
            case "BadTopic", "MissingTopic", "DeviceTokenNotForTopic" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple does not accept " + topic + " as the bundle ID of an app of this key.",
                        bundleHint);
            case "ExpiredProviderToken" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple found the signed token out of date: this server's clock may be wrong.",
                        "Try again. If it repeats, the operator should check this server's clock (NTP).");
            case "BadCertificate", "BadCertificateEnvironment" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple did not accept the certificate for the " + environment + " environment.",
                        "Upload a current Apple Push Notification service certificate of the app, made for the"
                                + " environment chosen here, and replace this credential.");
            default ->
                outcome instanceof DeliveryOutcome.Transient
                        ? ConnectionTest.failed(
                                ConnectionOutcome.UNREACHABLE,
                                switch (reason) {
                                    case "timeout" -> "Apple did not answer in time: the credential was not tested.";
                                    case "io_error" ->
                                        "Pushgate could not connect to Apple's push service: the credential was not"
                                                + " tested.";
                                    default ->
                                        "Apple is busy or unavailable (" + reason + "): the credential was not tested.";
                                },
                                APNS_NETWORK_HINT)
                        : ConnectionTest.failed(
                                ConnectionOutcome.REJECTED,
                                "Apple refused the test notification (" + reason + ").",
                                "Check the key, team ID and bundle ID in your Apple Developer account, and replace"
                                        + " this credential if one of them is wrong.");
        };
    }

    /**
     * Whether APNs accepted the credential: the made-up device token is only looked at once the key
     * (or certificate), team and topic are accepted, so its rejection says they were.
     */
    private static boolean apnsAccepted(DeliveryOutcome outcome) {
        return outcome instanceof DeliveryOutcome.Accepted
                || "BadDeviceToken".equals(outcome.errorCode())
                || "Unregistered".equals(outcome.errorCode());
    }

    /** An APNs certificate (.p12): Apple authenticates it at the TLS handshake, then holds it to its topic. */
    private static ConnectionTest apnsCertificate(
            Map<String, String> metadata,
            DeliveryOutcome outcome,
            String topic,
            String environment,
            String bundleHint) {
        String reason = outcome.errorCode();
        String expires = metadata.containsKey("expiresAt") ? " It expires " + metadata.get("expiresAt") + "." : "";
        if (apnsAccepted(outcome)) {
            return ConnectionTest.accepted("Apple accepted the certificate for the app " + topic + " in the "
                    + environment + " environment. No notification was delivered." + expires);
        }
        return switch (reason) {
            case "certificate_refused", "BadCertificate", "BadCertificateEnvironment" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple did not accept the certificate for the " + environment + " environment: it is"
                                + " revoked, expired, or not an Apple Push Notification service certificate.",
                        "In your Apple Developer account (Certificates, Identifiers & Profiles), create an Apple"
                                + " Push Notification service SSL certificate for the app, export it with its key as"
                                + " .p12 from Keychain Access, and replace this credential.");
            case "TopicDisallowed", "BadTopic", "MissingTopic", "DeviceTokenNotForTopic" ->
                ConnectionTest.failed(
                        ConnectionOutcome.REJECTED,
                        "Apple does not let this certificate send to the app " + topic + ".",
                        bundleHint);
            default ->
                outcome instanceof DeliveryOutcome.Transient
                        ? ConnectionTest.failed(
                                ConnectionOutcome.UNREACHABLE,
                                "Pushgate could not reach Apple's push service (" + reason
                                        + "): the certificate was not tested.",
                                APNS_NETWORK_HINT)
                        : ConnectionTest.failed(
                                ConnectionOutcome.REJECTED,
                                "Apple refused the test notification (" + reason + ").",
                                "Check the certificate and the bundle ID, and replace this credential if one of them"
                                        + " is wrong.");
        };
    }

    private static ConnectionTest sandbox(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Accepted || outcome instanceof DeliveryOutcome.TokenRejected) {
            return ConnectionTest.accepted("The sandbox works: pushes go to Pushgate's test phone, and a test event"
                    + " shows what it received.");
        }
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            return Probe.SANDBOX_UNAVAILABLE.equals(rejected.errorCode())
                    ? ConnectionTest.failed(
                            ConnectionOutcome.UNUSABLE,
                            "This Pushgate has no sandbox: no FCM emulator is configured.",
                            "Ask the operator to set pushgate.sandbox.fcm-url (./pushgate up sets it), or add an"
                                    + " FCM or APNs credential.")
                    : ConnectionTest.failed(
                            ConnectionOutcome.REJECTED,
                            "The sandbox refused the test message (" + rejected.errorCode() + ").",
                            "The operator should check pushgate.sandbox.access-token.");
        }
        return ConnectionTest.failed(
                ConnectionOutcome.UNREACHABLE,
                "The sandbox's FCM emulator does not answer (" + outcome.errorCode() + ").",
                "Try again. If it keeps failing, the operator should check the emulator at"
                        + " pushgate.sandbox.fcm-url.");
    }
}
