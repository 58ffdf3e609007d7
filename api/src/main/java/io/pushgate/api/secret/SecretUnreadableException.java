package io.pushgate.api.secret;

import java.util.UUID;

/** A stored secret does not decrypt: altered, moved between records, or its key left the keyset. */
public class SecretUnreadableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SecretUnreadableException(UUID tenantId, UUID recordId) {
        super("the secret of record " + recordId + " (tenant " + tenantId + ") does not decrypt with this keyset");
    }
}
