package io.pushgate.portal.onboarding;

import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Which credential delivery-service sends an Android device's FCM push through, as its dispatch
 * decides: the configuration's Android default if it sends through FCM (FCM or sandbox), else its
 * iOS default if that does; a default left unset means the tenant's only credential, if it has
 * exactly one. And, when there is none, why, in the terms of that same rule.
 */
final class SandboxCheck {

    private SandboxCheck() {}

    static Optional<Credential> androidCredential(Configuration configuration, List<Credential> credentials) {
        Optional<Credential> android =
                resolve(configuration.defaultCredentials().android(), credentials);
        Optional<Credential> ios = resolve(configuration.defaultCredentials().ios(), credentials);
        return android.filter(Credential::sendsToAndroid).or(() -> ios.filter(Credential::sendsToAndroid));
    }

    /**
     * Why {@link #androidCredential} finds none, as a sentence: no credential at all; several and none
     * chosen; or the credentials the configuration does send through (its defaults, or the tenant's only
     * credential) reach iOS devices only.
     */
    static String whyNoAndroid(Configuration configuration, List<Credential> credentials) {
        if (credentials.isEmpty()) {
            return "The tenant has no credential, so no push can be sent.";
        }
        UUID androidDefault = configuration.defaultCredentials().android();
        UUID iosDefault = configuration.defaultCredentials().ios();
        if (androidDefault == null && iosDefault == null) {
            if (credentials.size() == 1) {
                return "The tenant's only credential, " + named(credentials.get(0))
                        + ", sends to iOS devices only (through APNs), and the test device is an Android phone.";
            }
            return "The tenant has " + credentials.size() + " credentials and this configuration chooses none of"
                    + " them, for Android or for iOS, so no push has a way to the test device.";
        }
        Optional<Credential> android = resolve(androidDefault, credentials);
        Optional<Credential> ios = resolve(iosDefault, credentials);
        if (android.isPresent()
                && ios.isPresent()
                && android.get().id().equals(ios.get().id())) {
            return "This configuration's only credential, " + named(android.get())
                    + ", sends to iOS devices only (through APNs), and the test device is an Android phone.";
        }
        String androidPart = android.map(c -> "its Android default, " + named(c) + ", cannot send to Android")
                .orElse(
                        androidDefault == null
                                ? "it chooses no Android credential"
                                : "its Android default is no longer one of the tenant's credentials");
        String iosPart = ios.map(c -> "its iOS default, " + named(c) + ", sends to iOS devices only (through APNs)")
                .orElse("it has no iOS default to fall back on");
        return "This configuration has no way to an Android device: " + androidPart + ", and " + iosPart
                + ". The test device is an Android phone.";
    }

    private static String named(Credential credential) {
        return "\u201c" + credential.name() + "\u201d (" + credential.kind() + ")";
    }

    private static Optional<Credential> resolve(UUID id, List<Credential> credentials) {
        if (id != null) {
            return credentials.stream().filter(c -> c.id().equals(id)).findFirst();
        }
        return credentials.size() == 1 ? Optional.of(credentials.get(0)) : Optional.empty();
    }
}
