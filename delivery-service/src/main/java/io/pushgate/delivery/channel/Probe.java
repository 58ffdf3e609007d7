package io.pushgate.delivery.channel;

import io.pushgate.delivery.registration.PushProvider;
import java.util.Map;

/**
 * What a connection test of a credential found ({@link ProviderClients#probe}).
 *
 * @param provider the credential's type
 * @param metadata its public metadata (project id and client e-mail; team id, key id, topic,
 *     environment), never its material
 * @param outcome the provider's answer to a send that cannot reach a device ({@link
 *     PushChannel#probe}); {@link DeliveryOutcome.Rejected} with {@code credential_unusable} or {@code
 *     sandbox_unavailable} when no client could be made of it
 */
public record Probe(PushProvider provider, Map<String, String> metadata, DeliveryOutcome outcome) {

    /** The code of {@link #outcome} when the credential's material cannot be used. */
    public static final String CREDENTIAL_UNUSABLE = "credential_unusable";

    /** The code of {@link #outcome} when a sandbox credential has no FCM emulator to talk to. */
    public static final String SANDBOX_UNAVAILABLE = "sandbox_unavailable";
}
