package io.pushgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AxpSignatureTests {

    /** The vectors of AXP-CONTRACT.md §1, computed independently with Python's hmac. */
    @ParameterizedTest
    @CsvSource({
        "778af6a9-41f8-4153-a3a1-d913b2911b3b, bf813a5d-2e06-4047-bae2-e01da2f69f7c, s3cr3t-shared-with-axp,"
                + " 163394275f1e73337f114d6156c4ccbf5b44cf2efbbfb239ef6cee3200036d21",
        "evt-1, sess-1, k, ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a1859",
        "évènement-✓, séance-1, clé-🔑, d11e6f35daf1b84b5ad9c97f01340b3259875916468b35f659a0343c226e292a",
    })
    void signsAndVerifiesTheContractVectors(String eventId, String sessionId, String secret, String expected) {
        assertThat(AxpSignature.sign(secret, eventId, sessionId)).isEqualTo(expected);
        assertThat(AxpSignature.verify(secret, eventId, sessionId, expected)).isTrue();
        assertThat(AxpSignature.verify(secret, eventId, sessionId, expected.toUpperCase(Locale.ROOT)))
                .isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a185", // odd length
                "ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a18", // too short
                "zz67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a1859", // not hex
                "ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a1858", // wrong
                "ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a185900", // too long
            })
    void refusesMissingMalformedAndWrongSignatures(String signature) {
        assertThat(AxpSignature.verify("k", "evt-1", "sess-1", signature)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"evt-1, sess-2, k", "evt-2, sess-1, k", "evt-1, sess-1, K"})
    void aSignatureCoversExactlyItsSecretEventAndSession(String eventId, String sessionId, String secret) {
        String signedForEvt1Sess1 = "ca67d77acda23b82b82f11c97ae549f8b57a156ff638dd140050c876dd0a1859";
        assertThat(AxpSignature.verify(secret, eventId, sessionId, signedForEvt1Sess1))
                .isFalse();
    }

    /**
     * AXP signs the plain concatenation, so moving characters between the two fields keeps the
     * signature valid: a limit of AXP's scheme that Pushgate cannot change, pinned here so that
     * nobody "fixes" the signature into one AXP would not recognise.
     */
    @Test
    void theSignedMessageIsThePlainConcatenation() {
        assertThat(AxpSignature.sign("k", "evt-1s", "ess-1")).isEqualTo(AxpSignature.sign("k", "evt-1", "sess-1"));
    }
}
