package io.pushgate.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The navigation's current section, by the page's path. */
class SectionsTests {

    @Test
    void theTestEventBelongsToGetStartedWhereverItsButtonWas() {
        assertThat(Sections.of("/configurations/3f2a/test-events")).isEqualTo("start");
        assertThat(Sections.of("/test-runs/abc")).isEqualTo("start");
        assertThat(Sections.of("/checklist/sandbox")).isEqualTo("start");
        assertThat(Sections.of("/")).isEqualTo("start");
    }

    @Test
    void everyOtherPageBelongsToTheSectionOfItsPath() {
        assertThat(Sections.of("/configurations")).isEqualTo("configurations");
        assertThat(Sections.of("/configurations/3f2a")).isEqualTo("configurations");
        assertThat(Sections.of("/configurations/3f2a/secret")).isEqualTo("configurations");
        assertThat(Sections.of("/app-clients/pgc_1/created")).isEqualTo("app-access");
        assertThat(Sections.of("/trusted-issuers")).isEqualTo("app-access");
        assertThat(Sections.of("/deliveries/3f2a")).isEqualTo("deliveries");
        assertThat(Sections.of("/sandbox-phone/1")).isEqualTo("sandbox-phone");
        assertThat(Sections.of("/status")).isNull();
        assertThat(Sections.of("/configurationsx")).isNull();
    }
}
