package io.pushgate.delivery;

import io.pushgate.api.http.ClientGone;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The data plane: AXP callback ingress, device registrations and delivery to FCM and APNs. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DeliveryServiceApplication {

    /**
     * The name of this service's configuration file ({@code delivery-service.yml}): each service
     * has its own, so that all three can share one classpath in the standalone launcher.
     */
    public static final String CONFIG_NAME = "delivery-service";

    /**
     * Made once per application, before any request is served: installs, once per JVM, the quiet
     * Reactor hook for a client's reset signalled after its request was done ({@link
     * ClientGone#quietDroppedErrors}).
     */
    DeliveryServiceApplication() {
        ClientGone.quietDroppedErrors();
    }

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as every launcher must start it. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(DeliveryServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.setMainApplicationClass(DeliveryServiceApplication.class);
        return application;
    }
}
