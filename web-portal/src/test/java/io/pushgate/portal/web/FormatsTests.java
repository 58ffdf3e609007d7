package io.pushgate.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An id cut after its separators, where a page may break it over lines. */
class FormatsTests {

    private final Formats formats = new Formats();

    @Test
    void anIdIsCutAfterEachSeparatorAndTheCutsJoinToTheWholeId() {
        String id = "omni-session-3f2a1b4c-11ab-4c9d-9e2f-0123456789ab";

        assertThat(formats.parts(id))
                .containsExactly("omni-", "session-", "3f2a1b4c-", "11ab-", "4c9d-", "9e2f-", "0123456789ab");
        assertThat(String.join("", formats.parts(id))).isEqualTo(id);
        assertThat(formats.parts("a:b_c.d/e@f-")).containsExactly("a:", "b_", "c.", "d/", "e@", "f-");
        assertThat(formats.parts("plain")).containsExactly("plain");
    }
}
