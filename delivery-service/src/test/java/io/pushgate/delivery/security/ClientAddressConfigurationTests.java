package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Start-up with {@code pushgate.trusted-proxies} bound as the application binds it: a bad entry, or
 * Spring Boot's own forwarded-header handling beside it, stops start-up with one line naming the
 * setting. (A context of these beans only, without a web server.)
 */
class ClientAddressConfigurationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ProxySettings.class)
    @Import(ClientAddressConfiguration.class)
    static class Beans {}

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Beans.class);

    @Test
    void loopbackIsTrustedByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ProxySettings.class).trustedProxies()).containsExactly("127.0.0.0/8", "::1");
        });
    }

    @Test
    void anInvalidEntryStopsStartUpNamingTheSettingAndTheEntry() {
        runner.withPropertyValues("pushgate.trusted-proxies=10.0.0.0/8,10.1.2.3/8")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessage("pushgate.trusted-proxies (PUSHGATE_TRUSTED_PROXIES): '10.1.2.3/8' has bits set"
                                + " beyond its /8 prefix (a range starts at its network address)"));
    }

    @Test
    void springBootsOwnForwardedHeadersStopStartUp() {
        runner.withPropertyValues("server.forward-headers-strategy=native")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageStartingWith(
                                "server.forward-headers-strategy (SERVER_FORWARD_HEADERS_STRATEGY) is 'native'"));
    }
}
