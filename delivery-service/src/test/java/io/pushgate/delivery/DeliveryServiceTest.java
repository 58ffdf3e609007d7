package io.pushgate.delivery;

import io.pushgate.testkit.TestPlatformInitializer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * A test of delivery-service's whole application context, on this run's test database and keyset
 * ({@link TestPlatformInitializer}) with the control plane's schema migrated there first ({@link
 * TestConfigurations#migrateTenancy()}). Classes with the same attributes share one cached context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TenancySchema.class)
@SpringBootTest
@TestPropertySource(properties = "spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME)
@ContextConfiguration(initializers = TestPlatformInitializer.class)
public @interface DeliveryServiceTest {

    /** {@code RANDOM_PORT} for a test that calls the service over HTTP. */
    @AliasFor(annotation = SpringBootTest.class)
    SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

    /** Settings of this test's context ({@code key=value}), beside {@code delivery-service.yml}'s. */
    @AliasFor(annotation = SpringBootTest.class)
    String[] properties() default {};
}
