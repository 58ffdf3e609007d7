package io.pushgate.emulator;

/**
 * The FCM HTTP v1 error codes the emulator answers with, each with the HTTP status and the canonical
 * {@code google.rpc.Code} name that FCM puts in {@code error.status}.
 *
 * <p>The name is what goes into {@code error.details[].errorCode} of a
 * {@code type.googleapis.com/google.firebase.fcm.v1.FcmError}; firebase-admin maps it to its
 * {@code MessagingErrorCode} of the same name.
 */
public enum FcmErrorCode {
    /** The device token is no longer valid: the app was uninstalled or the token expired. Permanent. */
    UNREGISTERED(404, "NOT_FOUND", "Requested entity was not found."),
    /** The message is malformed. Permanent. */
    INVALID_ARGUMENT(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
    /** The device token belongs to another sender (Firebase project). Permanent. */
    SENDER_ID_MISMATCH(403, "PERMISSION_DENIED", "SenderId mismatch"),
    /** The sending rate was exceeded; answered with {@code Retry-After}. Transient. */
    QUOTA_EXCEEDED(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Messages sent'."),
    /** The server is overloaded. Transient. */
    UNAVAILABLE(503, "UNAVAILABLE", "The service is currently unavailable."),
    /** An unknown internal error. Transient. */
    INTERNAL(500, "INTERNAL", "Internal error encountered."),
    /** The APNs certificate or auth key of the project was invalid. Permanent until fixed. */
    THIRD_PARTY_AUTH_ERROR(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service");

    private final int httpStatus;
    private final String status;
    private final String defaultMessage;

    FcmErrorCode(int httpStatus, String status, String defaultMessage) {
        this.httpStatus = httpStatus;
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    /** The HTTP status FCM answers with for this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The canonical status name in {@code error.status}, e.g. {@code NOT_FOUND}. */
    public String status() {
        return status;
    }

    String defaultMessage() {
        return defaultMessage;
    }
}
