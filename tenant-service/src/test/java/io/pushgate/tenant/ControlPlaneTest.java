package io.pushgate.tenant;

import io.pushgate.testkit.TestPlatformInitializer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ContextConfiguration;

/**
 * The one base of tenant-service's Spring tests: the service on a random port with this run's
 * database and keyset, and an {@link Api} client of it to {@code @Autowired}. Every test class with
 * it shares one context; they all sign up and in from 127.0.0.1, so the per-address limits are raised
 * here (a class that needs other settings adds {@code @TestPropertySource}, which takes precedence,
 * and gets a context of its own). No delivery-service runs beside it: {@code GET /v1/plan} asks a
 * closed port for the data plane's usage and answers without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + TenantServiceApplication.CONFIG_NAME,
            "pushgate.sign-in.max-failures-per-address=100000",
            "pushgate.sign-up.max-per-address=100000",
            "pushgate.public-base-url=https://push.example.test",
            "pushgate.plan.delivery-service-url=http://127.0.0.1:9"
        })
@ContextConfiguration(initializers = TestPlatformInitializer.class)
@Import(ControlPlaneTest.Client.class)
public @interface ControlPlaneTest {

    /** The {@link Api} bean: made when a test first asks for it, once the server has its port. */
    @TestConfiguration(proxyBeanMethods = false)
    class Client {

        @Bean
        @Lazy
        Api api(Environment environment) {
            return new Api(environment.getRequiredProperty("local.server.port", Integer.class));
        }
    }
}
