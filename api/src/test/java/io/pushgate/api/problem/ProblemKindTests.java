package io.pushgate.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProblemKindTests {

    /**
     * Every kind as published: clients match on the {@code type} URI and show the title, so a kind's
     * status, type and title never change once published. A new kind is added here too.
     */
    private static final String PUBLISHED = """
            CallbackProblem.BODY_TOO_LARGE | 413 | https://pushgate.io/problems/callback-body-too-large | Callback body too large
            CallbackProblem.UNSUPPORTED_MEDIA_TYPE | 415 | https://pushgate.io/problems/callback-unsupported-media-type | Callback body is not JSON
            CallbackProblem.UNKNOWN_CALLBACK_KEY | 404 | https://pushgate.io/problems/callback-unknown-key | Unknown callback key
            CallbackProblem.METHOD_NOT_ALLOWED | 405 | https://pushgate.io/problems/callback-method-not-allowed | Callback URLs take POST only
            CallbackProblem.INVALID_SIGNATURE | 401 | https://pushgate.io/problems/callback-invalid-signature | Invalid X-hmac signature
            CallbackProblem.MALFORMED_JSON | 400 | https://pushgate.io/problems/callback-malformed-json | Malformed JSON
            CallbackProblem.INVALID_EVENT | 400 | https://pushgate.io/problems/callback-invalid-event | Invalid AXP event
            CallbackProblem.RATE_LIMITED | 429 | https://pushgate.io/problems/callback-rate-limited | Too many callbacks
            CallbackProblem.STORAGE_UNAVAILABLE | 503 | https://pushgate.io/problems/callback-storage-unavailable | Event storage unavailable
            CallbackProblem.CONFIGURATION_UNUSABLE | 503 | https://pushgate.io/problems/callback-configuration-unusable | Configuration secret unreadable
            DeliveryApiProblem.INVALID_FIELD | 400 | https://pushgate.io/problems/invalid-field | A field is missing or invalid
            DeliveryApiProblem.MALFORMED_JSON | 400 | https://pushgate.io/problems/malformed-json | The body is not well-formed JSON
            DeliveryApiProblem.REQUEST_REJECTED | 400 | https://pushgate.io/problems/request-rejected | The request was rejected as malformed or unsafe
            DeliveryApiProblem.REQUEST_LINE_TOO_LONG | 414 | https://pushgate.io/problems/request-line-too-long | The request line is too long
            DeliveryApiProblem.HEADERS_TOO_LARGE | 431 | https://pushgate.io/problems/request-headers-too-large | The request headers are too large
            DeliveryApiProblem.CHUNKED_BODY_MALFORMED | 400 | https://pushgate.io/problems/chunked-body-malformed | The chunked request body cannot be read
            DeliveryApiProblem.HTTP_VERSION_NOT_SUPPORTED | 505 | https://pushgate.io/problems/http-version-not-supported | The HTTP version is not supported
            DeliveryApiProblem.UNAUTHENTICATED | 401 | https://pushgate.io/problems/unauthenticated | A valid bearer token is required
            DeliveryApiProblem.FORBIDDEN | 403 | https://pushgate.io/problems/forbidden | The token's scopes do not allow this action
            DeliveryApiProblem.NOT_FOUND | 404 | https://pushgate.io/problems/not-found | No such resource
            DeliveryApiProblem.METHOD_NOT_ALLOWED | 405 | https://pushgate.io/problems/method-not-allowed | The resource does not take this method
            DeliveryApiProblem.NOT_RESENDABLE | 409 | https://pushgate.io/problems/notification-not-resendable | The notification cannot be re-sent now
            DeliveryApiProblem.PAYLOAD_TOO_LARGE | 413 | https://pushgate.io/problems/payload-too-large | The request body is too large
            DeliveryApiProblem.UNSUPPORTED_MEDIA_TYPE | 415 | https://pushgate.io/problems/unsupported-media-type | The body must be application/json
            DeliveryApiProblem.RATE_LIMITED | 429 | https://pushgate.io/problems/registration-rate-limited | Too many registrations
            DeliveryApiProblem.UNAVAILABLE | 503 | https://pushgate.io/problems/registration-store-unavailable | Registrations are unavailable
            DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE | 503 | https://pushgate.io/problems/notification-store-unavailable | Notifications are unavailable
            DeliveryApiProblem.SANDBOX_UNAVAILABLE | 503 | https://pushgate.io/problems/sandbox-unavailable | The sandbox is unavailable
            DeliveryApiProblem.CREDENTIALS_UNAVAILABLE | 503 | https://pushgate.io/problems/credential-store-unavailable | Credentials are unavailable
            DeliveryApiProblem.CALLBACK_LOG_UNAVAILABLE | 503 | https://pushgate.io/problems/callback-log-unavailable | The callback log is unavailable
            DeliveryApiProblem.ATTENTION_UNAVAILABLE | 503 | https://pushgate.io/problems/attention-unavailable | What needs attention is unavailable
            DeliveryApiProblem.PLANS_UNAVAILABLE | 503 | https://pushgate.io/problems/plan-store-unavailable | Plans are unavailable
            ControlPlaneProblem.INVALID_FIELD | 400 | https://pushgate.io/problems/invalid-field | A field is missing or invalid
            ControlPlaneProblem.INVALID_CREDENTIAL_MATERIAL | 400 | https://pushgate.io/problems/invalid-credential-material | The credential material is not usable
            ControlPlaneProblem.MALFORMED_REQUEST | 400 | https://pushgate.io/problems/malformed-request | The request body is missing or not JSON
            ControlPlaneProblem.REQUEST_REJECTED | 400 | https://pushgate.io/problems/request-rejected | The request was rejected as malformed or unsafe
            ControlPlaneProblem.REQUEST_LINE_TOO_LONG | 414 | https://pushgate.io/problems/request-line-too-long | The request line is too long
            ControlPlaneProblem.HEADERS_TOO_LARGE | 431 | https://pushgate.io/problems/request-headers-too-large | The request headers are too large
            ControlPlaneProblem.CHUNKED_BODY_MALFORMED | 400 | https://pushgate.io/problems/chunked-body-malformed | The chunked request body cannot be read
            ControlPlaneProblem.HTTP_VERSION_NOT_SUPPORTED | 505 | https://pushgate.io/problems/http-version-not-supported | The HTTP version is not supported
            ControlPlaneProblem.SIGN_IN_FAILED | 401 | https://pushgate.io/problems/sign-in-failed | The e-mail or the password is wrong
            ControlPlaneProblem.REFRESH_TOKEN_INVALID | 401 | https://pushgate.io/problems/refresh-token-invalid | The refresh token is not valid
            ControlPlaneProblem.UNAUTHENTICATED | 401 | https://pushgate.io/problems/unauthenticated | A valid bearer token is required
            ControlPlaneProblem.FORBIDDEN | 403 | https://pushgate.io/problems/forbidden | Your role does not allow this action
            ControlPlaneProblem.NOT_FOUND | 404 | https://pushgate.io/problems/not-found | No such resource
            ControlPlaneProblem.EMAIL_TAKEN | 409 | https://pushgate.io/problems/email-taken | This e-mail cannot be used for a new account
            ControlPlaneProblem.AXP_CONFIGURATION_ID_TAKEN | 409 | https://pushgate.io/problems/axp-configuration-id-taken | This AXP Configuration Id is already in use
            ControlPlaneProblem.TRUSTED_ISSUER_TAKEN | 409 | https://pushgate.io/problems/trusted-issuer-taken | This issuer and audience are already registered
            ControlPlaneProblem.CONFIGURATION_DISABLED | 409 | https://pushgate.io/problems/configuration-disabled | The configuration is disabled
            ControlPlaneProblem.AXP_CONFIGURATION_ID_MISSING | 409 | https://pushgate.io/problems/axp-configuration-id-missing | The configuration has no AXP Configuration Id yet
            ControlPlaneProblem.LAST_OWNER | 409 | https://pushgate.io/problems/last-owner | A tenant keeps at least one owner
            ControlPlaneProblem.PAYLOAD_TOO_LARGE | 413 | https://pushgate.io/problems/payload-too-large | The request body is too large
            ControlPlaneProblem.SIGN_IN_THROTTLED | 429 | https://pushgate.io/problems/sign-in-throttled | Too many failed sign-ins
            ControlPlaneProblem.SIGN_UP_THROTTLED | 429 | https://pushgate.io/problems/sign-up-throttled | Too many sign-ups from this address
            ControlPlaneProblem.API_RATE_LIMITED | 429 | https://pushgate.io/problems/api-rate-limited | Too many control-plane calls
            PortalProblem.REQUEST_REJECTED | 400 | https://pushgate.io/problems/request-rejected | The request was rejected as malformed or unsafe
            PortalProblem.REQUEST_LINE_TOO_LONG | 414 | https://pushgate.io/problems/request-line-too-long | The request line is too long
            PortalProblem.HEADERS_TOO_LARGE | 431 | https://pushgate.io/problems/request-headers-too-large | The request headers are too large
            PortalProblem.CHUNKED_BODY_MALFORMED | 400 | https://pushgate.io/problems/chunked-body-malformed | The chunked request body cannot be read
            PortalProblem.HTTP_VERSION_NOT_SUPPORTED | 505 | https://pushgate.io/problems/http-version-not-supported | The HTTP version is not supported
            """;

    private static List<Enum<? extends ProblemKind>> kinds() {
        return Stream.of(
                        CallbackProblem.values(),
                        DeliveryApiProblem.values(),
                        ControlPlaneProblem.values(),
                        PortalProblem.values())
                .flatMap(Arrays::stream)
                .<Enum<? extends ProblemKind>>map(kind -> kind)
                .toList();
    }

    private static String row(Enum<? extends ProblemKind> constant) {
        ProblemKind kind = (ProblemKind) constant;
        return String.join(
                " | ",
                constant.getDeclaringClass().getSimpleName() + "." + constant.name(),
                Integer.toString(kind.status()),
                kind.type().toString(),
                kind.title());
    }

    @Test
    void everyKindKeepsItsPublishedStatusTypeAndTitle() {
        assertThat(kinds().stream().map(ProblemKindTests::row))
                .containsExactlyElementsOf(PUBLISHED.lines().toList());
    }

    @Test
    void everyTypeIsUnderTheOneBase() {
        assertThat(kinds())
                .allSatisfy(kind -> assertThat(((ProblemKind) kind).type().toString())
                        .startsWith(ProblemKind.BASE)
                        .hasSizeGreaterThan(ProblemKind.BASE.length()));
    }

    @Test
    void aTypeSharedBetweenServicesMeansTheSameStatus() {
        Map<String, Integer> statusOfType = new HashMap<>();
        for (Enum<? extends ProblemKind> constant : kinds()) {
            ProblemKind kind = (ProblemKind) constant;
            Integer earlier = statusOfType.putIfAbsent(kind.type().toString(), kind.status());
            assertThat(earlier).as(row(constant)).isIn(null, kind.status());
        }
    }

    @Test
    void withinOneSurfaceEveryKindHasItsOwnType() {
        for (Class<? extends ProblemKind> surface : List.of(
                CallbackProblem.class, DeliveryApiProblem.class, ControlPlaneProblem.class, PortalProblem.class)) {
            assertThat(Arrays.stream(surface.getEnumConstants()).map(ProblemKind::type))
                    .as(surface.getSimpleName())
                    .doesNotHaveDuplicates();
        }
    }
}
