package io.pushgate.delivery.channel;

import io.pushgate.delivery.registration.PushProvider;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A provider credential of {@code tenancy.credential}, its material opened (in memory only, never printed).
 *
 * @param provider what the credential talks to ({@code tenancy.credential.type})
 * @param metadata its public metadata (project id; team id, key id, topic, environment)
 * @param secret its material: a service account's JSON, an APNs .p8 key, an encoded {@code
 *     ApnsCertificateSecret}; {@code null} for none
 */
record Credential(UUID id, UUID tenantId, PushProvider provider, Map<String, String> metadata, String secret) {

    /** The material to read a key or an account from; {@link CredentialUnusableException} when there is none. */
    InputStream material() {
        if (secret == null) {
            throw new CredentialUnusableException("the credential has no material");
        }
        return new ByteArrayInputStream(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credential[id=" + id + ", tenantId=" + tenantId + ", provider=" + provider + "]";
    }
}
