package io.pushgate.delivery.attention;

import java.time.Instant;
import java.util.UUID;

/**
 * One thing that needs the tenant's attention, with what to do about it.
 *
 * @param kind {@code credential-failing}, {@code certificate-expiring}, {@code callbacks-refused} or
 *     {@code delivery-backlog}
 * @param subject the credential or configuration it is about
 * @param count refused sends, refused callbacks logged, or notifications waiting; {@code null} for a
 *     certificate
 * @param at the newest refusal, the oldest waiting notification's receipt, or the certificate's expiry
 * @param code the provider's error code or the refusal reason; {@code null} otherwise
 * @param hint what to do, in words
 */
record AttentionItem(String kind, Subject subject, Long count, Instant at, String code, String hint) {

    /**
     * @param type {@code credential} or {@code configuration}
     */
    record Subject(String type, UUID id, String name) {

        static Subject credential(UUID id, String name) {
            return new Subject("credential", id, name);
        }

        static Subject configuration(UUID id, String name) {
            return new Subject("configuration", id, name);
        }
    }
}
