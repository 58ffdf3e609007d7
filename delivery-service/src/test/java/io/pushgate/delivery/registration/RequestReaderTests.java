package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestReaderTests {

    private static final String TOKEN = "fcm-token-0123456789:APA91b-abcdef";

    private final RequestReader reader = new RequestReader();

    @Test
    void readsAvayasShapeWithTypeIosInAnyCaseAndAnythingElseAsAndroid() {
        RegistrationRequest request = reader.avayaRegistration(
                TOKEN, bytes("{\"configId\":\"c\",\"sessionId\":\"s\",\"type\":\"IOS\",\"extra\":1}"));
        assertThat(request.platform()).isEqualTo(DevicePlatform.IOS);
        assertThat(request.provider()).isEqualTo(PushProvider.FCM);
        assertThat(reader.avayaRegistration(TOKEN, bytes("{\"configId\":\"c\",\"sessionId\":\"s\"}"))
                        .platform())
                .isEqualTo(DevicePlatform.ANDROID);
        assertThat(reader.avayaRegistration(TOKEN, bytes("{\"configId\":\"c\",\"sessionId\":\"s\",\"type\":\"fcm\"}"))
                        .platform())
                .isEqualTo(DevicePlatform.ANDROID);
    }

    @Test
    void readsTheNativeShapeWithItsDefaults() {
        RegistrationRequest fcm = reader.nativeRegistration(
                TOKEN, bytes("{\"configId\":\"c\",\"sessionId\":\"s\",\"platform\":\"android\"}"));
        assertThat(fcm.provider()).isEqualTo(PushProvider.FCM);
        assertThat(fcm.apnsEnvironment()).isNull();
        RegistrationRequest apns = reader.nativeRegistration(
                "ab".repeat(32),
                bytes("{\"configId\":\"c\",\"sessionId\":\"s\",\"platform\":\"ios\",\"provider\":\"apns\","
                        + "\"appId\":\"com.example.app\"}"));
        // none given: delivery uses the APNs credential's environment
        assertThat(apns.apnsEnvironment()).isNull();
        assertThat(apns.appId()).isEqualTo("com.example.app");
    }

    @Test
    void refusesWhatIsNotOneJsonObjectOfStrings() {
        assertMalformed("");
        assertMalformed("[]");
        assertMalformed("{\"configId\":\"c\",\"configId\":\"d\"}");
        assertMalformed("{\"configId\":\"c\"} {}");
        assertInvalid(
                () -> reader.nativeRegistration(
                        TOKEN, bytes("{\"configId\":1,\"sessionId\":\"s\",\"platform\":\"android\"}")),
                "configId");
        assertInvalid(
                () -> reader.nativeRegistration(
                        TOKEN, bytes("{\"configId\":\"c\",\"sessionId\":\"a\\u0000b\",\"platform\":\"android\"}")),
                "sessionId");
        assertInvalid(
                () -> reader.nativeRegistration(
                        TOKEN,
                        bytes("{\"configId\":\"c\",\"sessionId\":\"s\",\"platform\":\"android\",\"appId\":\"a b\"}")),
                "appId");
        assertInvalid(
                () -> reader.nativeRegistration(
                        TOKEN,
                        bytes(
                                "{\"configId\":\"c\",\"sessionId\":\"s\",\"platform\":\"android\",\"apnsEnvironment\":\"sandbox\"}")),
                "apnsEnvironment");
    }

    @Test
    void searchesByExactlyOneOfSessionAndCustomer() {
        assertThat(reader.search(bytes("{\"sessionId\":\"s\"}"), true).sessionId())
                .isEqualTo("s");
        assertThat(reader.search(bytes("{\"customerId\":\"c\"}"), true).customerId())
                .isEqualTo("c");
        assertInvalid(() -> reader.search(bytes("{\"sessionId\":\"s\",\"customerId\":\"c\"}"), true), "sessionId");
        assertInvalid(() -> reader.search(bytes("{}"), true), "sessionId");
        assertInvalid(() -> reader.search(bytes("{\"customerId\":\"c\"}"), false), "sessionId");
    }

    private void assertMalformed(String body) {
        assertThatThrownBy(() -> reader.nativeRegistration(TOKEN, bytes(body)))
                .isInstanceOfSatisfying(
                        ApiRejected.class,
                        rejected -> assertThat(rejected.kind()).isEqualTo(DeliveryApiProblem.MALFORMED_JSON));
    }

    private static void assertInvalid(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiRejected.class, rejected -> {
            assertThat(rejected.kind()).isEqualTo(DeliveryApiProblem.INVALID_FIELD);
            assertThat(rejected.field()).isEqualTo(field);
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
