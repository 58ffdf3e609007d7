package io.pushgate.tenant;

import io.pushgate.testkit.TestPlatformInitializer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * tenant-service on a random port with this run's database and keyset. Every test class with it
 * shares one context; they all sign in from 127.0.0.1, so the per-address sign-in limit is raised
 * here (its own test lowers it in a context of its own).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + TenantServiceApplication.CONFIG_NAME,
            "pushgate.sign-in.max-failures-per-address=100000",
            "pushgate.public-base-url=https://push.example.test"
        })
@ContextConfiguration(initializers = TestPlatformInitializer.class)
public @interface ControlPlaneTest {}
