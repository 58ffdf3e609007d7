package io.pushgate.tenant.token;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.Api;
import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.tenant.TenantServiceApplication;
import io.pushgate.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A tenant-service given another keyset than the one its database was set up with (a restored
 * backup, a new {@code PUSHGATE_HOME}) cannot open the signing key: it refuses to start and says
 * why, instead of starting and answering 500 to every sign-in.
 */
@ControlPlaneTest
class KeysetMismatchIntegrationTests {

    @Autowired
    Api api;

    @Test
    void aServiceWithAnotherKeysetRefusesToStartNamingTheKeyset() {
        api.tenant(); // signed in: the database holds a signing key sealed with the run's keyset
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=" + TenantServiceApplication.CONFIG_NAME,
                "--server.port=0",
                "--pushgate.public-base-url=https://push.example.test",
                "--pushgate.keyset=" + SecretCipher.generateKeyset()));
        TestDatabase.get().serviceProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));

        assertThatThrownBy(() -> new SpringApplicationBuilder(TenantServiceApplication.class)
                        .run(arguments.toArray(String[]::new))
                        .close())
                .isInstanceOf(SigningKeys.KeysetMismatchException.class)
                .extracting(Throwable::getMessage, InstanceOfAssertFactories.STRING)
                .startsWith("the keyset (pushgate.keyset, PUSHGATE_KEYSET) does not open the signing key ")
                .endsWith("the database was set up with another keyset; start with that one");
    }
}
