package io.pushgate.tenant.configuration;

import io.pushgate.tenant.configuration.Configurations.SecretRotated;
import io.pushgate.tenant.credential.Credentials;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.DevicePlatform;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.Sql;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /v1/configurations}: the tenant's AXP push configurations. */
@RestController
@RequestMapping("/v1/configurations")
class ConfigurationEndpoints {

    static final Duration MIN_DELIVERY_WINDOW = Duration.ofSeconds(10);
    static final Duration MAX_DELIVERY_WINDOW = Duration.ofHours(24);
    private static final Set<String> PATCHABLE = Set.of(
            "name",
            "axpConfigurationId",
            "enabled",
            "notificationTemplate",
            "openRegistration",
            "deliveryWindow",
            "defaultCredentials");

    record NewConfiguration(String name, String axpConfigurationId) {}

    /**
     * The body of a {@code PATCH}, for the API document only: the handler reads the JSON itself, to
     * tell an absent field (unchanged) from a {@code null} one (cleared).
     */
    @Schema(description = "A partial update: absent fields stay, null clears what may be cleared")
    record ConfigurationPatch(
            String name,
            String axpConfigurationId,
            Boolean enabled,
            NotificationTemplate notificationTemplate,
            Boolean openRegistration,

            @Schema(description = "an ISO-8601 duration from PT10S to PT24H", example = "PT10M")
            String deliveryWindow,

            DefaultCredentials defaultCredentials) {}

    /** The notification's title and body when an event has none of its own. */
    record NotificationTemplate(String title, String body) {}

    /** The credential each platform's devices are delivered with by default. */
    record DefaultCredentials(
            @Schema(format = "uuid", description = "the id of one of the tenant's credentials (FCM or sandbox)")
            String android,

            @Schema(format = "uuid", description = "the id of one of the tenant's credentials (APNs or sandbox)")
            String ios) {}

    private final Configurations configurations;
    private final Credentials credentials;

    ConfigurationEndpoints(Configurations configurations, Credentials credentials) {
        this.configurations = configurations;
        this.credentials = credentials;
    }

    @PostMapping
    Mono<ResponseEntity<ConfigurationView>> create(Caller caller, @RequestBody NewConfiguration body) {
        String name = Fields.text("name", body.name(), 200);
        String axpId = body.axpConfigurationId() == null ? null : axpId(body.axpConfigurationId());
        return configurations
                .create(caller, name, axpId)
                .map(created -> ResponseEntity.status(HttpStatus.CREATED)
                        .cacheControl(CacheControl.noStore())
                        .body(created));
    }

    @GetMapping
    Mono<Page<ConfigurationView>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return configurations.list(caller, Page.Position.decode(cursor, caller.tenantId()), Page.limit(limit));
    }

    @GetMapping("/{id}")
    Mono<ConfigurationView> one(Caller caller, @PathVariable String id) {
        return configurations.one(caller.tenantId(), Fields.pathId(id, "configuration"));
    }

    /** A partial update: absent fields stay, {@code null} clears what may be cleared. */
    @PatchMapping("/{id}")
    Mono<ConfigurationView> patch(
            Caller caller,
            @PathVariable String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = ConfigurationPatch.class)))
                    @RequestBody
                    JsonNode body) {
        UUID configurationId = Fields.pathId(id, "configuration");
        if (body == null || !body.isObject()) {
            throw ApiRejected.invalidField("body", "must be a JSON object");
        }
        for (String field : body.propertyNames()) {
            if (!PATCHABLE.contains(field)) {
                throw ApiRejected.invalidField(field, "is not a field that can be changed");
            }
        }
        Map<String, Parameter> columns = new LinkedHashMap<>();
        Map<DevicePlatform, UUID> defaults = new LinkedHashMap<>();
        if (body.has("name")) {
            columns.put("name", Parameters.in(Fields.text("name", text(body, "name"), 200)));
        }
        if (body.has("axpConfigurationId")) {
            String axpId = text(body, "axpConfigurationId");
            columns.put("axp_configuration_id", Sql.nullable(axpId == null ? null : axpId(axpId), String.class));
        }
        if (body.has("enabled")) {
            columns.put("enabled", Parameters.in(bool(body, "enabled")));
        }
        if (body.has("openRegistration")) {
            columns.put("open_registration", Parameters.in(bool(body, "openRegistration")));
        }
        if (body.has("deliveryWindow")) {
            columns.put("delivery_window_seconds", Parameters.in(deliveryWindow(text(body, "deliveryWindow"))));
        }
        if (body.has("notificationTemplate")) {
            JsonNode template = object(body, "notificationTemplate");
            if (template.has("title")) {
                columns.put("notification_title", optionalText(template, "notificationTemplate.title", "title", 200));
            }
            if (template.has("body")) {
                columns.put("notification_body", optionalText(template, "notificationTemplate.body", "body", 1000));
            }
        }
        if (body.has("defaultCredentials")) {
            JsonNode credentials = object(body, "defaultCredentials");
            for (String name : credentials.propertyNames()) {
                String field = "defaultCredentials." + name;
                DevicePlatform platform = DevicePlatform.of(name)
                        .orElseThrow(() -> ApiRejected.invalidField(field, "is not a platform (android, ios)"));
                String value = text(credentials, name, field);
                UUID credentialId = value == null ? null : Fields.id(field, value);
                defaults.put(platform, credentialId);
                columns.put("default_" + platform.text() + "_credential_id", Sql.nullable(credentialId, UUID.class));
            }
        }
        return Flux.fromIterable(defaults.entrySet())
                .filter(entry -> entry.getValue() != null)
                .concatMap(entry -> checkDefault(caller, entry.getKey(), entry.getValue()))
                .then(Mono.defer(() -> configurations.update(caller, configurationId, columns)));
    }

    @PostMapping("/{id}/secret:rotate")
    Mono<ResponseEntity<SecretRotated>> rotateSecret(Caller caller, @PathVariable String id) {
        return configurations
                .rotateSecret(caller, Fields.pathId(id, "configuration"))
                .map(rotated ->
                        ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(rotated));
    }

    @PostMapping("/{id}/secret:expire-previous")
    Mono<ResponseEntity<Void>> expirePrevious(Caller caller, @PathVariable String id) {
        return configurations
                .expirePreviousSecret(caller, Fields.pathId(id, "configuration"))
                .thenReturn(ResponseEntity.noContent().build());
    }

    @PostMapping("/{id}/callback-key:rotate")
    Mono<ConfigurationView> rotateCallbackKey(Caller caller, @PathVariable String id) {
        return configurations.rotateCallbackKey(caller, Fields.pathId(id, "configuration"));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return configurations
                .delete(caller, Fields.pathId(id, "configuration"))
                .thenReturn(ResponseEntity.noContent().build());
    }

    /** A default credential is the tenant's own and fits the platform: FCM or sandbox for android, APNs or sandbox for ios. */
    private Mono<Void> checkDefault(Caller caller, DevicePlatform platform, UUID credentialId) {
        String field = "defaultCredentials." + platform.text();
        return credentials
                .type(caller.tenantId(), credentialId)
                .switchIfEmpty(Mono.error(ApiRejected.invalidField(field, "no such credential")))
                .flatMap(type -> type.deliversTo(platform)
                        ? Mono.empty()
                        : Mono.error(ApiRejected.invalidField(
                                field, "a " + type.text() + " credential cannot deliver to " + platform.text())));
    }

    static String axpId(String value) {
        return Fields.text("axpConfigurationId", value, 200);
    }

    static long deliveryWindow(String value) {
        if (value == null) {
            throw ApiRejected.invalidField("deliveryWindow", "is required (an ISO-8601 duration such as PT10M)");
        }
        Duration window;
        try {
            window = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiRejected.invalidField("deliveryWindow", "is not an ISO-8601 duration such as PT10M");
        }
        if (window.compareTo(MIN_DELIVERY_WINDOW) < 0 || window.compareTo(MAX_DELIVERY_WINDOW) > 0) {
            throw ApiRejected.invalidField("deliveryWindow", "must be between PT10S and PT24H");
        }
        return window.toSeconds();
    }

    private static String text(JsonNode node, String name) {
        return text(node, name, name);
    }

    private static String text(JsonNode node, String name, String field) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiRejected.invalidField(field, "must be a string");
        }
        return value.asString();
    }

    private static Parameter optionalText(JsonNode node, String field, String name, int max) {
        String value = text(node, name, field);
        return Sql.nullable(value == null || value.isBlank() ? null : Fields.text(field, value, max), String.class);
    }

    private static boolean bool(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isBoolean()) {
            throw ApiRejected.invalidField(name, "must be true or false");
        }
        return value.booleanValue();
    }

    private static JsonNode object(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isObject()) {
            throw ApiRejected.invalidField(name, "must be an object");
        }
        return value;
    }
}
