package io.pushgate.delivery.registration;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads registration bodies: one JSON object (duplicate names and trailing data refused), known
 * fields strings or {@code null}, unknown fields ignored (the sample apps may send more). Every
 * breach is a {@link ApiRejected} naming the field.
 */
final class RequestReader {

    static final int MAX_ID = 128;
    static final int MAX_APP_ID = 255;

    private final JsonMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** {@code PUT /v1/device-registrations/{deviceToken}}. */
    RegistrationRequest nativeRegistration(String deviceToken, byte[] body) {
        JsonNode object = object(body);
        DevicePlatform platform = DevicePlatform.of(required(object, "platform", 16))
                .orElseThrow(() -> ApiRejected.invalidField("platform", "must be android or ios"));
        String providerText = optional(object, "provider", 16);
        PushProvider provider = providerText == null
                ? PushProvider.FCM
                : PushProvider.of(providerText)
                        .filter(PushProvider::isRegistrable)
                        .orElseThrow(() -> ApiRejected.invalidField("provider", "must be fcm or apns"));
        if (provider == PushProvider.APNS && platform != DevicePlatform.IOS) {
            throw ApiRejected.invalidField("provider", "apns delivers to ios devices only");
        }
        String environment = optional(object, "apnsEnvironment", 16);
        if (environment != null) {
            environment = environment.toLowerCase(Locale.ROOT);
            if (provider != PushProvider.APNS) {
                throw ApiRejected.invalidField("apnsEnvironment", "is for provider apns only");
            }
            if (!environment.equals("production") && !environment.equals("sandbox")) {
                throw ApiRejected.invalidField("apnsEnvironment", "must be production or sandbox");
            }
        }
        // absent: the environment of the configuration's APNs credential
        String appId = optional(object, "appId", MAX_APP_ID);
        if (appId != null && !isAppId(appId)) {
            throw ApiRejected.invalidField("appId", "must be a bundle id or package name");
        }
        return checkedToken(new RegistrationRequest(
                deviceToken,
                required(object, "configId", MAX_ID),
                required(object, "sessionId", MAX_ID),
                optional(object, "customerId", MAX_ID),
                platform,
                provider,
                environment,
                appId));
    }

    /**
     * {@code PUT /custom-notification-connector/device-registrations/{deviceToken}} as Avaya's sample
     * apps send it: {@code {configId, sessionId, type?}}; {@code type} {@code ios} (any case) is an
     * iOS device reached through FCM, anything else (or none) an Android device — as the sample
     * connector reads it, so no sample app is refused for the word it sends.
     */
    RegistrationRequest avayaRegistration(String deviceToken, byte[] body) {
        JsonNode object = object(body);
        String type = optional(object, "type", 16);
        DevicePlatform platform =
                DevicePlatform.of(type).filter(DevicePlatform.IOS::equals).orElse(DevicePlatform.ANDROID);
        return checkedToken(new RegistrationRequest(
                deviceToken,
                required(object, "configId", MAX_ID),
                required(object, "sessionId", MAX_ID),
                optional(object, "customerId", MAX_ID),
                platform,
                PushProvider.FCM,
                null,
                null));
    }

    /** The search body: exactly one of {@code sessionId} and {@code customerId}. */
    Search search(byte[] body, boolean customerAllowed) {
        JsonNode object = object(body);
        String sessionId = optional(object, "sessionId", MAX_ID);
        String customerId = customerAllowed ? optional(object, "customerId", MAX_ID) : null;
        if ((sessionId == null) == (customerId == null)) {
            throw ApiRejected.invalidField(
                    "sessionId", customerAllowed ? "give sessionId or customerId (one of them)" : "is required");
        }
        return new Search(sessionId, customerId);
    }

    /** What to search by: one of the two is set. */
    record Search(String sessionId, String customerId) {}

    private static RegistrationRequest checkedToken(RegistrationRequest request) {
        String problem = DeviceTokens.problem(request.deviceToken(), request.provider());
        if (problem != null) {
            throw ApiRejected.invalidField("deviceToken", problem);
        }
        return request;
    }

    private JsonNode object(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : json.readTree(body);
        } catch (JacksonException e) {
            throw new ApiRejected(DeliveryApiProblem.MALFORMED_JSON, "the body is not well-formed JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ApiRejected(DeliveryApiProblem.MALFORMED_JSON, "the body must be one JSON object");
        }
        return node;
    }

    private static String required(JsonNode object, String field, int maxLength) {
        String value = optional(object, field, maxLength);
        if (value == null) {
            throw ApiRejected.invalidField(field, "is required");
        }
        return value;
    }

    private static String optional(JsonNode object, String field, int maxLength) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiRejected.invalidField(field, "must be a string");
        }
        String value = node.asString();
        if (value.isEmpty() || value.length() > maxLength) {
            throw ApiRejected.invalidField(field, "must be 1–" + maxLength + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i)) || Character.isSurrogate(value.charAt(i))) {
                if (Character.isSurrogate(value.charAt(i))
                        && Character.isSurrogatePair(value.charAt(i), next(value, i))) {
                    i++;
                    continue;
                }
                throw ApiRejected.invalidField(field, "must not contain control characters");
            }
        }
        return value;
    }

    private static char next(String value, int i) {
        return i + 1 < value.length() ? value.charAt(i + 1) : 0;
    }

    private static boolean isAppId(String appId) {
        for (int i = 0; i < appId.length(); i++) {
            char c = appId.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '-'
                    || c == '_';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
