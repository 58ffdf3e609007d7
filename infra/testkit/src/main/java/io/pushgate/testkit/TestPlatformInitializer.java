package io.pushgate.testkit;

import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a service's application context at this run's {@link TestDatabase} and {@link TestKeyset}:
 * use it with {@code @ContextConfiguration(initializers = TestPlatformInitializer.class)}. A test of
 * the keyset's rotation names a file of its own in {@value #KEYSET_FILE} (a test property): the
 * service then reads its keyset there, and re-reads it when it changes.
 */
public class TestPlatformInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The test property naming a keyset file to use instead of {@link TestKeyset}. */
    public static final String KEYSET_FILE = "pushgate.test.keyset-file";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.get().serviceProperties());
        String file = context.getEnvironment().getProperty(KEYSET_FILE);
        properties.put("pushgate.keyset", file != null ? file : TestKeyset.json());
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource("pushgate-test-platform", properties));
    }
}
