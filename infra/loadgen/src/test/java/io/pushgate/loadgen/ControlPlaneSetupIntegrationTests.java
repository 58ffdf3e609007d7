package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.sun.net.httpserver.HttpServer;
import io.pushgate.tenant.TenantServiceApplication;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code --setup} against a real tenant-service: a new tenant, a configuration, its URL and secret. */
class ControlPlaneSetupIntegrationTests {

    private static ConfigurableApplicationContext tenantService;
    private static URI baseUrl;

    @BeforeAll
    static void startTenantService() {
        TestDatabase database = TestDatabase.get();
        tenantService = TenantServiceApplication.application()
                .run(
                        "--server.port=0",
                        "--pushgate.db.url=" + database.url(),
                        "--pushgate.db.user=" + database.user(),
                        "--pushgate.db.password=" + database.password(),
                        "--pushgate.keyset=" + TestKeyset.json(),
                        "--pushgate.public-base-url=http://callbacks.example.test:8080");
        baseUrl =
                URI.create("http://localhost:" + tenantService.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stopTenantService() {
        tenantService.close();
    }

    @Test
    void signsUpATenantAndCreatesAConfigurationThroughTheApi() throws Exception {
        ControlPlaneSetup.Target first = new ControlPlaneSetup(baseUrl).newTenantWithConfiguration();
        ControlPlaneSetup.Target second = new ControlPlaneSetup(baseUrl).newTenantWithConfiguration();

        assertThat(first.callbackUrl().toString()).startsWith("http://callbacks.example.test:8080/axp/callbacks/");
        assertThat(first.secret()).isNotBlank();
        assertThat(second.callbackUrl()).isNotEqualTo(first.callbackUrl());
        assertThat(second.secret()).isNotEqualTo(first.secret());
    }

    @Test
    void saysWhatTenantServiceAnsweredWhenItRefuses() throws Exception {
        HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        refusing.createContext("/", exchange -> {
            byte[] body = "{\"title\":\"Sign-ups are closed\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        refusing.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + refusing.getAddress().getPort());
            assertThatIllegalStateException()
                    .isThrownBy(() -> new ControlPlaneSetup(url).newTenantWithConfiguration())
                    .withMessage("tenant-service answered 403 to POST /v1/signup (expected 201): "
                            + "{\"title\":\"Sign-ups are closed\"}");
        } finally {
            refusing.stop(0);
        }
    }
}
