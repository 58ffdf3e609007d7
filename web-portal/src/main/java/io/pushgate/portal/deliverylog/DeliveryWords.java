package io.pushgate.portal.deliverylog;

import java.util.Locale;
import org.springframework.stereotype.Component;

/** The delivery log's codes in words: {@code ${@deliveryWords.errorCode(a.errorCode)}}. */
@Component("deliveryWords")
public class DeliveryWords {

    /** A status as the log shows it. */
    public String status(String status) {
        if (status == null) {
            return "";
        }
        return switch (status) {
            case "accepted" -> "Accepted, sending";
            case "retrying" -> "Retrying";
            case "delivered" -> "Delivered";
            case "no_device" -> "No device";
            case "token_invalid" -> "Device token invalid";
            case "failed" -> "Failed";
            case "expired" -> "Expired";
            default -> status;
        };
    }

    /** An attempt's outcome as the log shows it. */
    public String outcome(String outcome) {
        if (outcome == null) {
            return "";
        }
        return switch (outcome) {
            case "delivered" -> "Delivered to the provider";
            case "token_invalid" -> "Token rejected";
            case "failed" -> "Failed";
            case "retry" -> "Failed for now, retried";
            default -> outcome;
        };
    }

    /** A provider as the log shows it. */
    public String provider(String provider) {
        if (provider == null) {
            return "";
        }
        return switch (provider) {
            case "fcm" -> "FCM";
            case "apns" -> "APNs";
            case "sandbox" -> "Sandbox";
            default -> provider;
        };
    }

    /** An attempt's error code (the provider's, or Pushgate's own) in words; empty for none. */
    public String errorCode(String code) {
        if (code == null || code.isBlank()) {
            return "";
        }
        return switch (code) {
            case "no_credential" ->
                "No credential for the device's platform: choose the configuration's default credential.";
            case "credential_unusable" -> "The credential cannot be used: replace it on the Credentials page.";
            case "UNREGISTERED", "Unregistered" ->
                "The app was uninstalled or its token expired: the registration was removed.";
            case "SENDER_ID_MISMATCH" -> "The device token belongs to another Firebase project.";
            case "INVALID_ARGUMENT", "invalid_message" -> "The provider refused the message or the token as invalid.";
            case "BadDeviceToken" -> "APNs refused the device token (wrong environment or not a device token).";
            case "DeviceTokenNotForTopic" -> "The device token belongs to another app (bundle id).";
            case "THIRD_PARTY_AUTH_ERROR", "InvalidProviderToken", "ExpiredProviderToken" ->
                "The provider refused the credential: check or replace it.";
            case "UNAUTHENTICATED", "PERMISSION_DENIED", "invalid_grant" ->
                "Google refused the service account: check or replace the FCM credential.";
            case "QUOTA_EXCEEDED", "TooManyRequests" -> "The provider's sending quota was exceeded for a while.";
            case "UNAVAILABLE", "INTERNAL", "ServiceUnavailable", "InternalServerError" ->
                "The provider was unavailable for a while.";
            case "TopicDisallowed", "BadTopic" -> "APNs refused the app's topic (bundle id) for this credential.";
            case "certificate_refused" -> "APNs refused the certificate (unknown, expired or revoked): replace it.";
            case "configuration_deleted" -> "The configuration was deleted before it could be sent.";
            case "sandbox_unavailable" -> "The sandbox did not answer.";
            case "timeout" -> "The provider did not answer in time.";
            case "io_error", "channel_closed" -> "The connection to the provider failed.";
            case "send_queue_full", "send_queue_timeout" ->
                "Pushgate was too busy to send it then (not sent): it is tried again.";
            default -> "The provider answered " + code + ".";
        };
    }

    /** Latency in milliseconds, or a dash for an attempt that sent nothing. */
    public String latency(double millis) {
        return millis <= 0 ? "—" : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
