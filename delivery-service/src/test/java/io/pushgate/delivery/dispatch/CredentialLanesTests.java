package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

/**
 * A lane whose sends wait for a permit is backed up: its tenant is named, and its depth counts against
 * nobody else, while every other tenant's lanes still count in full.
 */
class CredentialLanesTests {

    @Test
    void aBackedUpLaneNamesItsTenantAndCountsOnlyOtherTenantsLanes() {
        CredentialLanes lanes = new CredentialLanes(2);
        UUID shaped = UUID.randomUUID();
        UUID shapedCredential = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID otherCredential = UUID.randomUUID();
        Sinks.Empty<Void> shapedTurn = Sinks.empty();
        Sinks.Empty<Void> otherTurn = Sinks.empty();
        for (int i = 0; i < 5; i++) {
            lanes.run(shaped, shapedCredential, shapedTurn::asMono).subscribe();
        }
        lanes.run(other, otherCredential, otherTurn::asMono).subscribe();

        CredentialLanes.Backlog backlog = lanes.backlog();
        assertThat(backlog.backedUpTenants()).containsExactly(shaped);
        assertThat(backlog.otherDepth()).isEqualTo(1);
        assertThat(lanes.depth()).isEqualTo(6);

        shapedTurn.tryEmitEmpty();
        assertThat(lanes.backlog().backedUpTenants()).isEmpty();
        assertThat(lanes.backlog().otherDepth()).isEqualTo(1);
    }

    @Test
    void aLaneWithEveryPermitInUseButNothingWaitingIsNotBackedUp() {
        CredentialLanes lanes = new CredentialLanes(2);
        UUID tenant = UUID.randomUUID();
        UUID credential = UUID.randomUUID();
        Sinks.Empty<Void> turn = Sinks.empty();
        lanes.run(tenant, credential, turn::asMono).subscribe();
        lanes.run(tenant, credential, turn::asMono).subscribe();

        assertThat(lanes.backlog().backedUpTenants()).isEmpty();
        assertThat(lanes.backlog().otherDepth()).isEqualTo(2);
    }
}
