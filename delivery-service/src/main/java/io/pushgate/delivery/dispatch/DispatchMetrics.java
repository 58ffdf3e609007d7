package io.pushgate.delivery.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Delivery's meters (at {@code /actuator/prometheus}): {@code pushgate_deliveries_total{tenant,provider,outcome}},
 * {@code pushgate_provider_latency_seconds{provider,outcome}} (histogram), {@code
 * pushgate_delivery_retries_total{provider}}, {@code pushgate_registrations_invalidated_total{provider,reason}},
 * {@code pushgate_deliveries_superseded_total{provider,delivered}}, {@code pushgate_dispatch_queue_depth} and {@code
 * pushgate_notifications_oldest_unfinished_age_seconds}.
 */
final class DispatchMetrics {

    private final MeterRegistry meters;
    private final AtomicLong oldestUnfinishedMillis = new AtomicLong();

    DispatchMetrics(MeterRegistry meters, IntSupplier queueDepth) {
        this.meters = meters;
        Gauge.builder("pushgate.dispatch.queue.depth", queueDepth::getAsInt)
                .description("Sends in flight or waiting for their credential's turn, in this instance")
                .register(meters);
        Gauge.builder("pushgate.notifications.oldest.unfinished.age", oldestUnfinishedMillis, age -> age.get() / 1000.0)
                .description("How long the oldest notification not yet finished has waited (all instances)")
                .baseUnit("seconds")
                .register(meters);
        // at 0 from the start, so that an alert on their rise sees them before the first one
        for (PushProvider provider : PushProvider.values()) {
            supersededCounter(provider, true);
            supersededCounter(provider, false);
        }
        supersededCounter(null, false);
    }

    void finished(UUID tenantId, PushProvider provider, NotificationStatus status) {
        Counter.builder("pushgate.deliveries")
                .description("Notifications finished, by outcome")
                .tag("tenant", tenantId.toString())
                .tag("provider", provider == null ? "none" : provider.text())
                .tag("outcome", status.text())
                .register(meters)
                .increment();
    }

    void sent(PushProvider provider, AttemptOutcome outcome, Duration latency) {
        Timer.builder("pushgate.provider.latency")
                .description("How long a provider took to answer one send")
                .tag("provider", provider.text())
                .tag("outcome", outcome.text())
                .publishPercentileHistogram()
                .register(meters)
                .record(latency);
    }

    void retried(PushProvider provider) {
        Counter.builder("pushgate.delivery.retries")
                .description("Transient failures that will be tried again")
                .tag("provider", provider.text())
                .register(meters)
                .increment();
    }

    void invalidated(PushProvider provider, String reason) {
        Counter.builder("pushgate.registrations.invalidated")
                .description("Registrations invalidated because the provider rejected their token")
                .tag("provider", provider.text())
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    /**
     * An outcome this instance could not write because the notification's lease had passed to another
     * holder meanwhile; {@code delivered} when the provider had taken the push sent under the lost
     * lease (the new holder may send it again: a possible duplicate).
     */
    void superseded(PushProvider provider, boolean delivered) {
        supersededCounter(provider, delivered).increment();
    }

    private Counter supersededCounter(PushProvider provider, boolean delivered) {
        return Counter.builder("pushgate.deliveries.superseded")
                .description("Outcomes not written because the notification's lease had passed to another holder")
                .tag("provider", provider == null ? "none" : provider.text())
                .tag("delivered", Boolean.toString(delivered))
                .register(meters);
    }

    void oldestUnfinished(Duration age) {
        oldestUnfinishedMillis.set(age.toMillis());
    }
}
