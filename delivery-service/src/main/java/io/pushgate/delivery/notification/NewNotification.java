package io.pushgate.delivery.notification;

import io.pushgate.api.axp.AxpEvent;
import java.util.UUID;

/** An authentic AXP event of a configuration, to be stored once. */
public record NewNotification(UUID tenantId, UUID configurationId, AxpEvent event) {}
