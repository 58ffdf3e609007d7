package io.pushgate.tenant.credential;

import io.pushgate.tenant.platform.DevicePlatform;
import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of provider credential, each with its text in the API and in {@code
 * tenancy.credential.type} (which delivery-service reads as its provider). A new provider adds its
 * constant here, its checks in {@link CredentialMaterial} and the value to the column's CHECK.
 */
public enum CredentialType {
    /** Pushgate's FCM emulator: no material, delivers to every platform. */
    SANDBOX("sandbox"),
    /** A Firebase service account: delivers to Android. */
    FCM("fcm"),
    /**
     * APNs: a .p8 token key, or a .p12 certificate ({@code metadata.authentication = certificate}); delivers
     * to iOS.
     */
    APNS("apns");

    private final String text;

    CredentialType(String text) {
        this.text = text;
    }

    /** The type's text in the API and in the table. */
    public String text() {
        return text;
    }

    /** Whether a credential of this type can deliver to {@code platform}. */
    public boolean deliversTo(DevicePlatform platform) {
        return this == SANDBOX || this == (platform == DevicePlatform.ANDROID ? FCM : APNS);
    }

    /** The type named {@code text}; empty for any other text. */
    static Optional<CredentialType> of(String text) {
        return Arrays.stream(values()).filter(type -> type.text.equals(text)).findFirst();
    }
}
