package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherSettingsTests {

    @Test
    void defaultsToTheDocumentedPortsAndAnEmbeddedDatabase() {
        LauncherSettings settings = LauncherSettings.from(Map.of());

        assertThat(settings.deliveryPort()).isEqualTo(8080);
        assertThat(settings.tenantPort()).isEqualTo(8081);
        assertThat(settings.portalPort()).isEqualTo(8082);
        assertThat(settings.home().getFileName()).hasToString(".pushgate");
        assertThat(settings.externalDatabase()).isEmpty();
        assertThat(settings.publicBaseUrl()).isEqualTo("http://localhost:8080");
        assertThat(settings.issuer()).isEqualTo("http://localhost:8081");
    }

    @Test
    void followsThePortsWithThePublicAddressesUnlessTheyAreGiven() {
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_DELIVERY_PORT", "9090"))
                        .publicBaseUrl())
                .isEqualTo("http://localhost:9090");
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_PUBLIC_BASE_URL", "https://push.example.com"))
                        .publicBaseUrl())
                .isEqualTo("https://push.example.com");
    }

    @Test
    void acceptsTheCommonSpellingsOfAPostgresqlUrl() {
        assertThat(LauncherSettings.normalizedDatabaseUrl("jdbc:postgresql://db:5432/pushgate"))
                .isEqualTo("postgresql://db:5432/pushgate");
        assertThat(LauncherSettings.normalizedDatabaseUrl("postgres://db/pushgate?sslmode=require"))
                .isEqualTo("postgresql://db/pushgate?sslmode=require");
    }

    @Test
    void takesTheDatabaseCredentialsFromTheirOwnVariables() {
        LauncherSettings settings = LauncherSettings.from(Map.of(
                "PUSHGATE_DB_URL", "postgresql://db:5432/pushgate",
                "PUSHGATE_DB_USER", "pushgate",
                "PUSHGATE_DB_PASSWORD", "s3cret"));

        assertThat(settings.externalDatabase()).hasValueSatisfying(database -> {
            assertThat(database.user()).isEqualTo("pushgate");
            assertThat(database.password()).isEqualTo("s3cret");
        });
    }

    @Test
    void neverRepeatsCredentialsOfAUrlInMessages() {
        var database = new LauncherSettings.ExternalDatabase("postgresql://admin:hunter2@db/pushgate", "u", "p");

        assertThat(database.safeUrl()).isEqualTo("postgresql://db/pushgate");
    }

    @Test
    void refusesTheSamePortTwice() {
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_PORTAL_PORT", "8080")))
                .withMessageContaining("the three ports must differ");
    }

    @Test
    void refusesPortsOutOfRange() {
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_DELIVERY_PORT", "70000")))
                .withMessage("PUSHGATE_DELIVERY_PORT must be a port number from 1 to 65535, not '70000'");
    }

    @Test
    void thePortalsCookieIsNotSecureOverThePlainHttpOfALocalStartUnlessAsked() {
        assertThat(LauncherSettings.from(Map.of()).portalCookieSecure()).isFalse();
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE", "true"))
                        .portalCookieSecure())
                .isTrue();
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE", "yes")))
                .withMessage("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE must be true or false, not 'yes'");
    }

    @Test
    void runsOneJvmUnlessMoreDeliveryInstancesAreAskedFor() {
        assertThat(LauncherSettings.from(Map.of()).multiProcess()).isFalse();
        LauncherSettings three = LauncherSettings.from(Map.of("PUSHGATE_DELIVERY_INSTANCES", "3"));

        assertThat(three.deliveryInstances()).isEqualTo(3);
        assertThat(three.multiProcess()).isTrue();
    }

    @Test
    void boundsEachServiceHeapUnlessTheServiceOptionsSayOtherwise() {
        assertThat(LauncherSettings.from(Map.of()).serviceJavaOptions()).containsExactly("-Xmx256m");
        // the given options come last: the JVM takes the last -Xmx it is given
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_SERVICE_JAVA_OPTS", "  -Xmx1g   -XX:+UseSerialGC "))
                        .serviceJavaOptions())
                .containsExactly("-Xmx256m", "-Xmx1g", "-XX:+UseSerialGC");
    }

    @Test
    void boundsTheSandboxStoreByBytesAsWellAsByCount() {
        LauncherSettings defaults = LauncherSettings.from(Map.of());
        assertThat(defaults.sandboxMaxMessages()).isEqualTo(100_000);
        assertThat(defaults.sandboxMaxBytes()).isEqualTo(128L * 1024 * 1024);
        // more messages kept: 1 KiB each unless said otherwise
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_SANDBOX_MAX_MESSAGES", "400000"))
                        .sandboxMaxMegabytes())
                .isEqualTo(390);
        assertThat(LauncherSettings.from(Map.of("PUSHGATE_SANDBOX_MAX_MEGABYTES", "16"))
                        .sandboxMaxBytes())
                .isEqualTo(16L * 1024 * 1024);
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_SANDBOX_MAX_MEGABYTES", "0")))
                .withMessage("PUSHGATE_SANDBOX_MAX_MEGABYTES must be a whole number from 1 to 65536, not '0'");
    }

    @Test
    void refusesADeliveryInstanceCountOutOfRange() {
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_DELIVERY_INSTANCES", "0")))
                .withMessage("PUSHGATE_DELIVERY_INSTANCES must be a whole number from 1 to 16, not '0'");
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> LauncherSettings.from(Map.of("PUSHGATE_DELIVERY_INSTANCES", "many")))
                .withMessageContaining("not 'many'");
    }

    @Test
    void takesTheDeliveryInstancesFromTheCommandLineOverTheEnvironment() {
        assertThat(PushgateLauncher.environment(java.util.List.of("--delivery-instances", "4")))
                .containsEntry("PUSHGATE_DELIVERY_INSTANCES", "4");
        assertThat(PushgateLauncher.environment(java.util.List.of("--delivery-instances=2")))
                .containsEntry("PUSHGATE_DELIVERY_INSTANCES", "2");
        assertThatExceptionOfType(LaunchException.class)
                .isThrownBy(() -> PushgateLauncher.environment(java.util.List.of("--replicas", "3")))
                .withMessage("unknown option '--replicas' (up takes --delivery-instances N)");
    }
}
