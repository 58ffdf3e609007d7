package io.pushgate.portal;

import io.pushgate.api.http.ClientGone;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The onboarding and operations UI, a backend-for-frontend over tenant-service and delivery-service. */
@SpringBootApplication(
        // members sign in against tenant-service: no user store of the portal's own (nor its generated password)
        excludeName = "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration")
@ConfigurationPropertiesScan
public class WebPortalApplication {

    /**
     * The name of this application's configuration file ({@code web-portal.yml}): each service has
     * its own, so that all three can share one classpath in the standalone launcher.
     */
    public static final String CONFIG_NAME = "web-portal";

    /**
     * Made once per application, before any request is served: installs, once per JVM, the quiet
     * Reactor hook for a client's reset signalled after its request was done ({@link
     * ClientGone#quietDroppedErrors}).
     */
    WebPortalApplication() {
        ClientGone.quietDroppedErrors();
    }

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as every launcher must start it. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(WebPortalApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.setMainApplicationClass(WebPortalApplication.class);
        return application;
    }
}
