package io.pushgate.portal.deliverylog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The delivery log says every error code README's outcomes name in words, and every status. */
class DeliveryWordsTests {

    private final DeliveryWords words = new DeliveryWords();

    @Test
    void everyErrorCodeOfTheOutcomesTableHasItsOwnWords() {
        List<String> codes = List.of(
                "no_credential",
                "credential_unusable",
                "sandbox_unavailable",
                "UNREGISTERED",
                "INVALID_ARGUMENT",
                "SENDER_ID_MISMATCH",
                "THIRD_PARTY_AUTH_ERROR",
                "UNAUTHENTICATED",
                "PERMISSION_DENIED",
                "UNAVAILABLE",
                "INTERNAL",
                "QUOTA_EXCEEDED",
                "BadDeviceToken",
                "Unregistered",
                "DeviceTokenNotForTopic",
                "InvalidProviderToken",
                "TopicDisallowed",
                "BadTopic",
                "certificate_refused",
                "configuration_deleted",
                "timeout",
                "send_queue_full",
                "send_queue_timeout");
        for (String code : codes) {
            assertThat(words.errorCode(code)).as(code).isNotBlank().doesNotStartWith("The provider answered");
        }
        assertThat(words.errorCode("SOMETHING_NEW")).isEqualTo("The provider answered SOMETHING_NEW.");
        assertThat(words.errorCode(null)).isEmpty();
    }

    @Test
    void everyStatusHasItsWords() {
        for (String status : DeliveryLogPages.STATUSES) {
            assertThat(words.status(status)).as(status).isNotEqualTo(status).isNotBlank();
        }
    }
}
