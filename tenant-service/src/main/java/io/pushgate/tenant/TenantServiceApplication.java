package io.pushgate.tenant;

import io.pushgate.api.http.ClientGone;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: tenants, AXP configurations, credentials, app clients and platform tokens. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TenantServiceApplication {

    /**
     * The name of this service's configuration file ({@code tenant-service.yml}): each service has
     * its own, so that all three can share one classpath in the standalone launcher.
     */
    public static final String CONFIG_NAME = "tenant-service";

    /**
     * Made once per application, before any request is served: installs, once per JVM, the quiet
     * Reactor hook for a client's reset signalled after its request was done ({@link
     * ClientGone#quietDroppedErrors}).
     */
    TenantServiceApplication() {
        ClientGone.quietDroppedErrors();
    }

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as every launcher must start it. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(TenantServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.setMainApplicationClass(TenantServiceApplication.class);
        return application;
    }
}
