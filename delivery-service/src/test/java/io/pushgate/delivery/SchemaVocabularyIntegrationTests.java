package io.pushgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.callbacklog.RefusalReason;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The enums are the one source of the vocabulary the tables store: each column's CHECK, as the
 * migrated database's catalog has it, allows exactly the enum's texts.
 */
@DeliveryServiceTest
class SchemaVocabularyIntegrationTests {

    /** A literal of a CHECK as PostgreSQL prints it: {@code 'accepted'::text}. */
    private static final Pattern LITERAL = Pattern.compile("'([^']*)'::text");

    @Autowired
    DatabaseClient database;

    @Test
    void aNotificationsStatusIsOneOfNotificationStatus() {
        assertThat(allowed("notification", "status"))
                .containsExactlyInAnyOrderElementsOf(texts(NotificationStatus.values(), NotificationStatus::text));
    }

    @Test
    void anAttemptsOutcomeIsOneOfAttemptOutcome() {
        assertThat(allowed("attempt", "outcome"))
                .containsExactlyInAnyOrderElementsOf(texts(AttemptOutcome.values(), AttemptOutcome::text));
    }

    @Test
    void aRegistrationsPlatformAndProviderAreOnesOfTheirEnums() {
        // a registration names any provider but the sandbox
        assertThat(allowed("registration", "platform"))
                .containsExactlyInAnyOrderElementsOf(texts(DevicePlatform.values(), DevicePlatform::text));
        assertThat(allowed("registration", "provider"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(PushProvider.values())
                        .filter(PushProvider::isRegistrable)
                        .map(PushProvider::text)
                        .toList());
    }

    @Test
    void aRefusedCallbacksReasonIsOneOfRefusalReason() {
        assertThat(allowed("refused_callback", "reason"))
                .containsExactlyInAnyOrderElementsOf(texts(RefusalReason.values(), RefusalReason::text));
    }

    /** The literals of the one CHECK of {@code delivery.<table>} that is about {@code column} alone. */
    private List<String> allowed(String table, String column) {
        List<String> definitions = database.sql("""
                        SELECT pg_get_constraintdef(c.oid) AS definition
                          FROM pg_constraint c
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = :column
                         WHERE c.conrelid = ('delivery.' || :table)::regclass AND c.contype = 'c'
                           AND c.conkey = ARRAY[a.attnum]""")
                .bind("table", table)
                .bind("column", column)
                .map((row, metadata) -> row.get("definition", String.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
        assertThat(definitions)
                .as("the CHECKs of delivery.%s.%s", table, column)
                .hasSize(1);
        Matcher literals = LITERAL.matcher(definitions.get(0));
        return literals.results().map(result -> result.group(1)).toList();
    }

    private static <E> List<String> texts(E[] values, Function<E, String> text) {
        return Arrays.stream(values).map(text).toList();
    }
}
