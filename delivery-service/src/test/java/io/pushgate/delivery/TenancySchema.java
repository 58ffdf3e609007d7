package io.pushgate.delivery;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Migrates the control plane's schema on this run's test database before a test class starts. */
public final class TenancySchema implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestConfigurations.migrateTenancy();
    }
}
