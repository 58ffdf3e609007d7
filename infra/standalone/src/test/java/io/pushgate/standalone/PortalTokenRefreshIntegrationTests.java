package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.portal.session.SignedIn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;

/**
 * A portal session outlives its 6-second admin tokens through tenant-service's rotating refresh
 * tokens, and a refresh token used twice (stolen and replayed) ends the session: its whole family
 * is revoked. The platform runs with short admin tokens, and the portal refreshes only when a token
 * has less than a second left.
 */
class PortalTokenRefreshIntegrationTests {

    static PortalPlatform platform;
    Browser browser;

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = PortalPlatform.start(Map.of(
                "tenant-service", List.of("--pushgate.tokens.admin-token-lifetime=6s"),
                "web-portal", List.of("--pushgate.portal.session.refresh-ahead=1s")));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @BeforeEach
    void startBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
    }

    @Test
    void aSessionSurvivesATokenExpiryThroughItsRefreshToken() throws Exception {
        signIn(platform.signUp());
        // well past the access token's expiry (and tenant-service's clock skew for the portal's own check)
        Thread.sleep(8_000);

        browser.open(platform.portal("/configurations"));
        assertThat(browser.heading()).isEqualTo("AXP configurations");
        Thread.sleep(8_000);
        browser.open(platform.portal("/credentials"));
        assertThat(browser.heading()).isEqualTo("Provider credentials");
    }

    @Test
    void aReplayedRefreshTokenRevokesTheSession() throws Exception {
        signIn(platform.signUp());
        // a thief uses the session's refresh token first
        String stolen = refreshTokenOfTheOnlySignedInSession();
        String thiefs = PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/auth/refresh"),
                        null,
                        "{\"refresh_token\":\"" + stolen + "\"}",
                        200),
                "refresh_token");
        Thread.sleep(8_000);

        // the portal refreshes with the same token: a replay, which revokes the family
        browser.open(platform.portal("/configurations"));
        assertThat(browser.heading()).isEqualTo("Sign in to Pushgate");
        assertThat(browser.find(".info").getText()).contains("Your session ended");
        PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/auth/refresh"),
                null,
                "{\"refresh_token\":\"" + thiefs + "\"}",
                401);
    }

    private String refreshTokenOfTheOnlySignedInSession() {
        DefaultWebSessionManager sessions = platform.platform
                .context("web-portal")
                .getBean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME, DefaultWebSessionManager.class);
        var store = (org.springframework.web.server.session.InMemoryWebSessionStore) sessions.getSessionStore();
        List<SignedIn> signedIn = store.getSessions().values().stream()
                .map(WebSession::getAttributes)
                .map(attributes -> (SignedIn) attributes.get(SignedIn.ATTRIBUTE))
                .filter(java.util.Objects::nonNull)
                .toList();
        assertThat(signedIn).hasSize(1);
        assertThat(signedIn.get(0).refreshToken())
                .as("the sign-in answered a refresh token")
                .isNotNull();
        return signedIn.get(0).refreshToken();
    }

    private void signIn(PortalPlatform.Account account) {
        browser.open(platform.portal("/sign-in"));
        browser.type("#email", account.email());
        browser.type("#password", account.password());
        browser.press("Sign in");
        assertThat(browser.heading()).isEqualTo("Get started");
    }
}
