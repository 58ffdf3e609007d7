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
 * exactly one.
 */
final class SandboxCheck {

    private SandboxCheck() {}

    static Optional<Credential> androidCredential(Configuration configuration, List<Credential> credentials) {
        Optional<Credential> android =
                resolve(configuration.defaultCredentials().android(), credentials);
        Optional<Credential> ios = resolve(configuration.defaultCredentials().ios(), credentials);
        return android.filter(Credential::sendsToAndroid).or(() -> ios.filter(Credential::sendsToAndroid));
    }

    private static Optional<Credential> resolve(UUID id, List<Credential> credentials) {
        if (id != null) {
            return credentials.stream().filter(c -> c.id().equals(id)).findFirst();
        }
        return credentials.size() == 1 ? Optional.of(credentials.get(0)) : Optional.empty();
    }
}
