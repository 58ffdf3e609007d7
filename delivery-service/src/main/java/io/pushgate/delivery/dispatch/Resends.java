package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.notification.NotificationStatus;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Re-sends a notification that ended without reaching the device ({@link
 * NotificationStatus#isResendable()}): one statement puts it back to {@code accepted} with a fresh
 * delivery window, leases it to this instance and audits it ({@code delivery.resend}: who asked,
 * what it was); the {@link Dispatcher} then delivers it as it delivers a new one — the session's
 * current registration is looked up again, the attempt recorded with the notification's others. The
 * row lock of that statement lets one re-send of a notification through at a time; another while it
 * is under way finds it {@code accepted} and is refused.
 */
@Service
class Resends {

    private static final Logger log = LoggerFactory.getLogger(Resends.class);
    private static final List<String> RESENDABLE = Arrays.stream(NotificationStatus.values())
            .filter(NotificationStatus::isResendable)
            .map(NotificationStatus::text)
            .toList();

    private final Deliveries deliveries;
    private final Dispatcher dispatcher;
    private final DispatchSettings settings;

    Resends(Deliveries deliveries, Dispatcher dispatcher, DispatchSettings settings) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.settings = settings;
    }

    /** What became of a request to re-send. */
    sealed interface Outcome {

        /** Back in the outbox, being delivered. */
        record Resent(UUID notificationId) implements Outcome {}

        /**
         * Not re-sendable now: it is {@code status}, or ({@code tooOld}) a fresh delivery window would end
         * past the partitions delivery reads.
         */
        record NotResendable(String status, boolean tooOld) implements Outcome {}

        /** The tenant has no such notification. */
        record NotFound() implements Outcome {}
    }

    /** Re-sends the tenant's notification {@code id} as asked by {@code requestedBy} (a token's subject). */
    Mono<Outcome> resend(UUID tenantId, UUID id, String requestedBy) {
        return deliveries
                .resend(tenantId, id, RESENDABLE, settings.lease(), requestedBy)
                .map(claimed -> {
                    log.info("Notification re-sent: tenant={} notification={} by={}", tenantId, id, requestedBy);
                    dispatcher.resent(claimed);
                    return (Outcome) new Outcome.Resent(claimed.id());
                })
                .switchIfEmpty(Mono.defer(() -> deliveries
                        .status(tenantId, id)
                        .map(standing ->
                                (Outcome) new Outcome.NotResendable(standing.status(), standing.tooOldToResend()))
                        .defaultIfEmpty(new Outcome.NotFound())));
    }
}
