package io.pushgate.delivery.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.delivery.DeliveryServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * What the inbox's 202 rests on since its insert runs without a transaction around it: an {@code
 * INSERT … RETURNING} sent on its own answers its rows only once its implicit transaction has
 * committed. A commit that fails (here a deferred trigger that always raises) fails the insert, and
 * no row is left.
 */
@DeliveryServiceTest
class AutocommitInsertIntegrationTests {

    @Autowired
    DatabaseClient database;

    @Test
    void anInsertWhoseCommitFailsAnswersTheFailureNotItsRows() {
        run("DROP TABLE IF EXISTS public.commit_probe");
        run("CREATE TABLE public.commit_probe (x int)");
        run("""
                CREATE OR REPLACE FUNCTION public.commit_probe_fails() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'commit-time failure'; END $$""");
        run("""
                CREATE CONSTRAINT TRIGGER commit_probe_fails AFTER INSERT ON public.commit_probe
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.commit_probe_fails()""");

        assertThatThrownBy(() -> database.sql(
                                "INSERT INTO public.commit_probe SELECT x FROM unnest($1::int[]) x RETURNING x")
                        .bind(0, new Integer[] {1, 2})
                        .map((row, metadata) -> row.get("x", Integer.class))
                        .all()
                        .collectList()
                        .block(Duration.ofSeconds(10)))
                .hasMessageContaining("commit-time failure");
        assertThat(database.sql("SELECT count(*) AS n FROM public.commit_probe")
                        .map((row, metadata) -> row.get("n", Long.class))
                        .one()
                        .block(Duration.ofSeconds(10)))
                .isZero();
        run("DROP TABLE public.commit_probe");
        run("DROP FUNCTION public.commit_probe_fails()");
    }

    private void run(String sql) {
        database.sql(sql).then().block(Duration.ofSeconds(10));
    }
}
