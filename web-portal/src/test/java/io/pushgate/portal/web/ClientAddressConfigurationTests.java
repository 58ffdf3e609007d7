package io.pushgate.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Start-up with {@code pushgate.trusted-proxies} bound as the application binds it: a bad entry, or
 * Spring Boot's own forwarded-header handling beside it, stops start-up with one line naming the
 * setting. (A context of these beans only: a whole failing application would dispose Reactor Netty's
 * global resources under the other tests' shared context.)
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
    void aListOfAddressesAndRangesStarts() {
        runner.withPropertyValues("pushgate.trusted-proxies=10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("pushgate.trusted-proxies=")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void anInvalidEntryStopsStartUpNamingTheSettingAndTheEntry() {
        runner.withPropertyValues("pushgate.trusted-proxies=10.0.0.0/8,10.0.0.0/33")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessage("pushgate.trusted-proxies (PUSHGATE_TRUSTED_PROXIES): '10.0.0.0/33' is not a"
                                    + " CIDR range: the prefix length is at most 32");
                });
        runner.withPropertyValues("pushgate.trusted-proxies=proxy.example.test")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessage("pushgate.trusted-proxies (PUSHGATE_TRUSTED_PROXIES): 'proxy.example.test' is"
                                + " not an IP address or CIDR range"));
    }

    @Test
    void springBootsOwnForwardedHeadersStopStartUp() {
        for (String strategy : new String[] {"native", "FRAMEWORK"}) {
            runner.withPropertyValues("server.forward-headers-strategy=" + strategy)
                    .run(context -> assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageStartingWith(
                                    "server.forward-headers-strategy (SERVER_FORWARD_HEADERS_STRATEGY) is '" + strategy
                                            + "'")
                            .hasMessageContaining("pushgate.trusted-proxies (PUSHGATE_TRUSTED_PROXIES)"));
        }
        runner.withPropertyValues("server.forward-headers-strategy=none")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
