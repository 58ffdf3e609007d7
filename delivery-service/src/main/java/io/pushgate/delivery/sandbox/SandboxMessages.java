package io.pushgate.delivery.sandbox;

import io.pushgate.api.paging.TenantCursors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * What a tenant's sandbox credentials sent, as the FCM emulator received it. A tenant's sandbox sends
 * go to its own Firebase project ({@link SandboxSettings#projectId}), so the emulator's control API
 * ({@code GET /emulator/fcm/messages?projectId=…}) lists one tenant's messages and no other's.
 */
@Service
public class SandboxMessages {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final SandboxSettings settings;
    private final WebClient client;

    SandboxMessages(SandboxSettings settings) {
        this.settings = settings;
        this.client = settings.fcmUrl() == null
                ? null
                : WebClient.builder().baseUrl(settings.fcmUrl().toString()).build();
    }

    /**
     * The tenant's sandbox messages, newest first, {@code limit} (1–{@value #MAX_LIMIT}) per page;
     * {@code cursor} is a page's {@code nextCursor}. Fails with {@link SandboxUnavailableException}
     * when there is no sandbox or it does not answer, with {@link IllegalArgumentException} for a bad
     * cursor or limit.
     */
    public Mono<SandboxMessagePage> list(UUID tenantId, String cursor, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
        long before = cursor == null || cursor.isBlank() ? Long.MAX_VALUE : parse(tenantId, cursor);
        if (client == null) {
            return Mono.error(
                    new SandboxUnavailableException("no sandbox is configured (pushgate.sandbox.fcm-url)", null));
        }
        return client.get()
                .uri(uri -> uri.path("/emulator/fcm/messages")
                        .queryParam("projectId", SandboxSettings.projectId(tenantId))
                        .queryParam("limit", limit)
                        .queryParam("before", before)
                        .build())
                .retrieve()
                .bodyToMono(JsonNode.class)
                .timeout(Duration.ofSeconds(5))
                .map(answer -> page(tenantId, answer))
                .onErrorMap(
                        error -> !(error instanceof SandboxUnavailableException),
                        error -> new SandboxUnavailableException("the sandbox did not answer: " + error, error));
    }

    private static SandboxMessagePage page(UUID tenantId, JsonNode answer) {
        List<SandboxMessage> items = new ArrayList<>();
        for (JsonNode item : answer.path("items")) {
            String name = item.path("name").asString();
            items.add(new SandboxMessage(
                    name.substring(name.lastIndexOf('/') + 1),
                    item.path("deviceToken").isNull()
                            ? null
                            : item.path("deviceToken").asString(),
                    item.path("message"),
                    Instant.parse(item.path("receivedAt").asString())));
        }
        JsonNode next = answer.path("nextBefore");
        return new SandboxMessagePage(
                items, next.isNumber() ? TenantCursors.encode(tenantId, Long.toString(next.asLong())) : null);
    }

    /** A cursor is bound to its tenant ({@link TenantCursors}): another tenant's is refused as a damaged one is. */
    private static long parse(UUID tenantId, String cursor) {
        String position = TenantCursors.decode(tenantId, cursor);
        try {
            long before = Long.parseLong(position);
            if (before < 1) {
                throw new NumberFormatException();
            }
            return before;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor is not one this list gave out");
        }
    }
}
