package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The session cookie as browsers get it: {@code __Host-} prefixed, {@code HttpOnly}, {@code Secure},
 * {@code SameSite=Lax}, {@code Path=/}, no {@code Domain}, ending with the browser — and, with the
 * documented switch for plain HTTP on one's own machine, without {@code Secure} (so without the
 * prefix, which requires it).
 */
class SessionCookieIntegrationTests {

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.config.name=" + WebPortalApplication.CONFIG_NAME)
    class ByDefault {

        @LocalServerPort
        int port;

        @Test
        void isHostPrefixedSecureHttpOnlyAndLax() {
            String cookie = sessionCookie(port);
            assertThat(cookie)
                    .startsWith("__Host-pushgate-session=")
                    .contains("; Path=/")
                    .contains("; Secure")
                    .containsIgnoringCase("; HttpOnly")
                    .contains("; SameSite=Lax")
                    .doesNotContain("Domain=")
                    .doesNotContain("Max-Age")
                    .doesNotContain("Expires");
        }

        /**
         * An error page starts no session and makes no CSRF token: a browser's request for a missing
         * file (its favicon) sent without the cookie would otherwise be answered with a new session's
         * cookie, replacing the one whose form the page is about to send.
         */
        @Test
        void anErrorPageWithoutASessionSetsNoSessionCookie() {
            var answer = WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + port)
                    .build()
                    .get()
                    .uri("/css/no-such-file.css")
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .returnResult(String.class);
            assertThat(answer.getResponseHeaders().get("Set-Cookie")).isNull();
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.config.name=" + WebPortalApplication.CONFIG_NAME,
                "pushgate.portal.session.cookie-secure=false"
            })
    class ForPlainHttp {

        @LocalServerPort
        int port;

        @Test
        void isNotSecureAndSoNotHostPrefixed() {
            String cookie = sessionCookie(port);
            assertThat(cookie)
                    .startsWith("pushgate-session=")
                    .doesNotContain("Secure")
                    .containsIgnoringCase("; HttpOnly")
                    .contains("; SameSite=Lax");
        }
    }

    /** The sign-in page stores its CSRF token in a new session, whose cookie it sets. */
    static String sessionCookie(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .build()
                .get()
                .uri("/sign-in")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("Set-Cookie");
    }
}
