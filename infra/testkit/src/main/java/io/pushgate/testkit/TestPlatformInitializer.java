package io.pushgate.testkit;

import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a service's application context at this run's {@link TestDatabase} and {@link TestKeyset}:
 * use it with {@code @ContextConfiguration(initializers = TestPlatformInitializer.class)}.
 */
public class TestPlatformInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.get().serviceProperties());
        properties.put("pushgate.keyset", TestKeyset.json());
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource("pushgate-test-platform", properties));
    }
}
