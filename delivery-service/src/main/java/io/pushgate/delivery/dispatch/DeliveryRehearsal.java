package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.dispatch.Deliveries.Attempt;
import io.pushgate.delivery.dispatch.Deliveries.Claimed;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.NotificationAccepted;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The dispatcher's statements on the warm-up's synthetic notifications, for the JIT compiler and the
 * driver's prepared statements to meet before the first real one: the device look-up, the lease's
 * renewal, a retry's record (with its attempt), the claim of a due row, the grouped finish (with its
 * attempt) and the release — each as {@link Deliveries} sends it, in the caller's transaction (the
 * inbox's rehearsal, which is rolled back). They name only the rows given, by id and fencing token,
 * never a tenant's; the sweep's claim of overdue rows is left out for that reason (it would lock
 * tenants' due rows for the length of the rehearsal).
 */
@Component
public class DeliveryRehearsal {

    /** A retry due this long ago: the claim that follows finds the row due, whatever the clocks say. */
    private static final Duration LONG_DUE = Duration.ofHours(1);

    private final Deliveries deliveries;
    private final DispatchSettings settings;

    DeliveryRehearsal(Deliveries deliveries, DispatchSettings settings) {
        this.deliveries = deliveries;
        this.settings = settings;
    }

    /**
     * Runs the statements on {@code notifications}, rows the inbox has just written in the current
     * transaction; emits how many of them the grouped finish ended (all of them, unless a statement
     * found a row other than it should).
     */
    public Mono<Integer> rehearse(List<NotificationAccepted> notifications) {
        if (notifications.isEmpty()) {
            return Mono.just(0);
        }
        List<Claimed> held = notifications.stream().map(Claimed::accepted).toList();
        Instant due = Instant.now().minus(LONG_DUE);
        return deliveries
                .devices(held)
                .thenMany(Flux.fromIterable(held)
                        .concatMap(notification -> deliveries
                                .renew(notification, settings.lease())
                                .then(deliveries.retryAt(
                                        notification, attempt(AttemptOutcome.RETRY, "UNAVAILABLE"), due))
                                .then(deliveries.claim(
                                        notification.id(), notification.receivedAt(), settings.lease()))))
                .collectList()
                .flatMap(claimed -> deliveries.finishTogether(claimed.stream()
                        .map(notification -> new Deliveries.Finish(
                                notification, Ending.delivered(attempt(AttemptOutcome.DELIVERED, null))))
                        .toList()))
                .flatMap(finished -> deliveries.releaseAll(held).thenReturn((int)
                        finished.stream().filter(Boolean::booleanValue).count()));
    }

    private static Attempt attempt(AttemptOutcome outcome, String errorCode) {
        return new Attempt(PushProvider.FCM, null, outcome, errorCode, 1.0, true);
    }
}
