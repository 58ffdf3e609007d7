package io.pushgate.delivery.sandbox;

import java.util.List;

/** The answer of {@code GET /v1/sandbox/messages}: newest first; {@code nextCursor} is {@code null} on the last page. */
public record SandboxMessagePage(List<SandboxMessage> items, String nextCursor) {}
