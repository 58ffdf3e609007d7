package io.pushgate.portal.onboarding;

import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Notification;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a tenant stands, step by step, for one of its configurations (the chosen one, else its
 * first), from what the services answer now.
 *
 * @param configurations every configuration of the tenant (the first 200)
 * @param configuration the one the steps are about, or null before the first exists
 * @param credentials every credential of the tenant
 * @param appClients how many app clients the tenant has (up to the first page)
 * @param trustedIssuers how many trusted issuers
 * @param notifications the configuration's newest notifications, or null when delivery-service did not answer
 */
public record Checklist(
        List<Configuration> configurations,
        Configuration configuration,
        List<Credential> credentials,
        int appClients,
        int trustedIssuers,
        List<Notification> notifications) {

    public boolean configurationCreated() {
        return configuration != null;
    }

    public boolean configurationIdEntered() {
        return configuration != null && configuration.axpConfigurationId() != null;
    }

    public boolean credentialAdded() {
        return !credentials.isEmpty();
    }

    public boolean appsCanRegister() {
        return appClients > 0 || trustedIssuers > 0 || (configuration != null && configuration.openRegistration());
    }

    /** Whether delivery-service answered: without it steps 5 and 6 are unknown. */
    public boolean deliveryKnown() {
        return notifications != null;
    }

    public boolean testDelivered() {
        return notifications != null
                && notifications.stream().anyMatch(n -> n.isTest() && "delivered".equals(n.status()));
    }

    /** AXP itself has called: a notification of the configuration that is not a test event. */
    public boolean axpTalking() {
        return notifications != null && notifications.stream().anyMatch(n -> !n.isTest());
    }

    public boolean done() {
        return configurationCreated()
                && configurationIdEntered()
                && credentialAdded()
                && appsCanRegister()
                && testDelivered()
                && axpTalking();
    }

    /** How many of the six steps are done. */
    public int doneCount() {
        int done = 0;
        for (boolean step : new boolean[] {
            configurationCreated(),
            configurationIdEntered(),
            credentialAdded(),
            appsCanRegister(),
            testDelivered(),
            axpTalking()
        }) {
            done += step ? 1 : 0;
        }
        return done;
    }

    /** The first step not done (1 to 6). */
    public int next() {
        if (!configurationCreated()) {
            return 1;
        }
        if (!configurationIdEntered()) {
            return 2;
        }
        if (!credentialAdded()) {
            return 3;
        }
        if (!appsCanRegister()) {
            return 4;
        }
        if (!testDelivered()) {
            return 5;
        }
        return 6;
    }

    /** The credential a test device (Android, FCM) of the configuration is sent through, if any. */
    public Optional<Credential> testCredential() {
        return configuration == null ? Optional.empty() : SandboxCheck.androidCredential(configuration, credentials);
    }

    /** Why a test push has no credential to go through (when {@link #testCredential} is empty). */
    public String whyNoTestCredential() {
        return configuration == null ? "" : SandboxCheck.whyNoAndroid(configuration, credentials);
    }

    /** Whether a test push would reach the sandbox device. */
    public boolean testReachesSandbox() {
        return testCredential().map(c -> "sandbox".equals(c.type())).orElse(false);
    }

    /** The tenant's sandbox credential, if it has one. */
    public Optional<Credential> sandboxCredential() {
        return credentials.stream().filter(c -> "sandbox".equals(c.type())).findFirst();
    }

    public UUID configurationId() {
        return configuration == null ? null : configuration.id();
    }
}
