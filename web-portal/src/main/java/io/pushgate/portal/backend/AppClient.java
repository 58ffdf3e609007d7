package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An app client; its secret is only in the answer that creates it ({@link CreatedAppClient}). */
public record AppClient(String clientId, String name, List<String> scopes, Instant createdAt, UUID id) {}
