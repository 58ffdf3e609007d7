package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TenancySchema;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import io.pushgate.testkit.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The callback limit's {@code redis} backend on the real Redis of this run: two delivery-service
 * instances share a tenant's limit (over 10 s at twice the plan, within 10 %), a plan change replaces the bucket stored in Redis, keys expire
 * when idle, and an instance whose Redis does not answer keeps answering callbacks with its local
 * share of the limit, says so (a further fall within a minute only in a summary), counts it, shows
 * pushgate_limit_falling_back, and comes back to Redis when it answers again (a
 * loopback proxy to the real Redis, closed and opened again; the machine's Redis is never stopped).
 * Every key is under a prefix of this run.
 */
@ExtendWith(TenancySchema.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackLimitRedisIntegrationTests {

    private static final String PREFIX = "pushgate-test:" + UUID.randomUUID() + ":";
    private static final String FALLBACK_LOGGER = "io.pushgate.delivery.limit.RedisBuckets";

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private URI redisUrl;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private TcpProxy proxy;
    private TcpProxy slowProxy;
    private ConfigurableApplicationContext one;
    private ConfigurableApplicationContext two;
    private ConfigurableApplicationContext cutOff;
    private ConfigurableApplicationContext slow;
    private ListAppender<ILoggingEvent> logged;

    @BeforeAll
    void start() throws IOException {
        redisUrl = TestRedis.require();
        redisClient = RedisClient.create(redisUrl.toString());
        redis = redisClient.connect();
        proxy = new TcpProxy(redisUrl);
        // a generous timeout for the two sharing instances, so a busy machine does not make them fall back (with
        // this machine's two cores saturated by parallel builds, Redis's answers were seen to take over 500 ms)
        one = instance(redisUrl, "--pushgate.limits.redis-timeout=5s");
        two = instance(redisUrl, "--pushgate.limits.redis-timeout=5s");
        // its Redis (the proxy) does not listen yet: a port nobody answers on (refused at once, so the
        // generous timeout only keeps a slow CI machine's late answers, once it is back, from counting as a fall)
        cutOff = instance(
                URI.create("redis://127.0.0.1:" + proxy.port()),
                "--pushgate.limits.redis-timeout=500ms",
                "--pushgate.limits.instances=2",
                "--pushgate.limits.redis-retry-interval=200ms");
        // its Redis answers, but each answer 300 ms late: past the default timeout (50 ms)
        slowProxy = new TcpProxy(redisUrl);
        slowProxy.open();
        slowProxy.delayAnswers(300);
        slow = instance(
                URI.create("redis://127.0.0.1:" + slowProxy.port()),
                "--pushgate.limits.instances=2",
                "--pushgate.limits.redis-retry-interval=200ms");
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logged = new ListAppender<>();
        logged.setContext(logging);
        logged.start();
        logging.getLogger(FALLBACK_LOGGER).addAppender(logged);
    }

    @AfterAll
    void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(FALLBACK_LOGGER)
                .detachAppender(logged);
        instances.forEach(ConfigurableApplicationContext::close);
        if (proxy != null) {
            proxy.close();
        }
        if (slowProxy != null) {
            slowProxy.close();
        }
        if (redis != null) {
            redis.sync().keys(PREFIX + "*").forEach(key -> redis.sync().del(key));
            redis.close();
            redisClient.shutdown();
        }
    }

    private ConfigurableApplicationContext instance(URI redisUrl, String... properties) {
        SpringApplication application = DeliveryServiceApplication.application();
        application.addInitializers(new TestPlatformInitializer());
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--pushgate.dispatch.enabled=false",
                "--pushgate.configuration.cache-ttl=1h",
                "--pushgate.limits.backend=redis",
                "--pushgate.limits.redis-url=" + redisUrl,
                "--pushgate.limits.redis-key-prefix=" + PREFIX));
        arguments.addAll(List.of(properties));
        ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    @Test
    void twoInstancesShareATenantsLimit() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(20, 20);
        // twice the plan's rate for 10 s, alternating between the instances (each alone would take it all);
        // sent on a schedule by a pool, so that slow answers on a busy machine do not lower the rate offered
        int sent = 400;
        long intervalNanos = 25_000_000L;
        double fallbacksBefore = fallbacks(one) + fallbacks(two);
        Callbacks[] callbacks = {callbacks(one), callbacks(two)};
        ScheduledExecutorService senders = Executors.newScheduledThreadPool(16);
        try {
            long start = System.nanoTime();
            AtomicLong lastSent = new AtomicLong(start);
            // one each first, so that the configuration and plan are cached before the pool's callbacks arrive
            int accepted = 0;
            for (Callbacks to : callbacks) {
                assertThat(send(to, configuration).statusCode()).isEqualTo(202);
                accepted++;
            }
            List<ScheduledFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                Callbacks to = callbacks[i % 2];
                Callable<Integer> callback = () -> {
                    lastSent.accumulateAndGet(System.nanoTime(), Math::max);
                    return send(to, configuration).statusCode();
                };
                statuses.add(senders.schedule(callback, i * intervalNanos, TimeUnit.NANOSECONDS));
            }
            for (ScheduledFuture<Integer> status : statuses) {
                assertThat(status.get()).isIn(202, 429);
                accepted += status.get() == 202 ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sent += callbacks.length;
            double offered = sent / ((lastSent.get() - start) / 1e9);
            assertThat(offered).as("offered at least 1.5 times the plan's rate").isGreaterThan(30);
            assertThat(fallbacks(one) + fallbacks(two)).as("decided by Redis").isEqualTo(fallbacksBefore);
            // the plan until the last answer (the last decision was made by then): the burst, then 20 a second
            double allowed = 20 + 20 * seconds;
            assertThat((double) accepted).isBetween(allowed * 0.9, allowed * 1.1);
            assertThat(throttled(one, configuration, "redis") + throttled(two, configuration, "redis"))
                    .isEqualTo(sent - accepted);
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void aPlanChangeReplacesTheBucketStoredInRedis() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(1, 1);
        assertThat(send(callbacks(one), configuration).statusCode()).isEqualTo(202);
        assertThat(send(callbacks(two), configuration).statusCode()).isEqualTo(429);

        try (Connection connection = TestDatabase.get().connect()) {
            TestConfigurations.plan(connection, configuration.tenantId(), 10_000, 10_000);
        }

        // under the stored bucket (1/s) twenty in a row never pass; replaced by the new version's, they do
        boolean allAccepted = false;
        for (int round = 0; round < 50 && !allAccepted; round++) {
            allAccepted = true;
            for (int i = 0; i < 20; i++) {
                allAccepted &=
                        send(callbacks(i % 2 == 0 ? one : two), configuration).statusCode() == 202;
            }
            if (!allAccepted) {
                Thread.sleep(200);
            }
        }
        assertThat(allAccepted).isTrue();
    }

    @Test
    void aTenantsKeyExpiresOnceItsBucketWouldBeFullAgain() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(10, 20);
        assertThat(send(callbacks(one), configuration).statusCode()).isEqualTo(202);

        long ttl = redis.sync().pttl(PREFIX + "callbacks:" + configuration.tenantId());

        // one token taken refills in 100 ms; the key is kept 10 s after the bucket is full
        assertThat(ttl).isPositive().isLessThanOrEqualTo(10_000 + 2_000);
    }

    @Test
    void anInstanceWhoseRedisDoesNotAnswerFallsBackToItsShareAndReturnsWhenItAnswers() throws Exception {
        // a slow refill, so the share (burst 10, 1 a second) and the whole plan (20, 2 a second) stay apart
        TestConfigurations.Inserted configuration = tenantWithPlan(2, 20);
        Callbacks callbacks = callbacks(cutOff);
        double fallbacksBefore = fallbacks(cutOff);
        int sent = 30;
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            int status = send(callbacks, configuration).statusCode();
            assertThat(status).as("answered by the local fallback").isIn(202, 429);
            accepted += status == 202 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // this instance's share with two instances: burst 10, 1 a second
        assertThat(accepted).isBetween(10, 10 + (int) Math.ceil(seconds) + 1);
        assertThat(fallbacks(cutOff) - fallbacksBefore).isEqualTo(sent);
        assertThat(fallingBack(cutOff))
                .as("pushgate_limit_falling_back while deciding locally")
                .isEqualTo(1);
        assertThat(throttled(cutOff, configuration, "local")).isEqualTo(sent - accepted);
        assertThat(redis.sync().exists(PREFIX + "callbacks:" + configuration.tenantId()))
                .isZero();
        assertThat(messages(Level.WARN))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("127.0.0.1:" + proxy.port()));

        proxy.open();

        TestConfigurations.Inserted later = tenantWithPlan(20, 20);
        String key = PREFIX + "callbacks:" + later.tenantId();
        // back once an answer arrives in time: the key alone does not say so, since a request that timed out
        // (the first after the cut may wait for the new connection) can still reach Redis and write it
        boolean back = false;
        for (int i = 0; i < 100 && !back; i++) {
            assertThat(send(callbacks, later).statusCode()).isIn(202, 429);
            back = !messages(Level.INFO).isEmpty();
            if (!back) {
                Thread.sleep(100);
            }
        }
        assertThat(back).as("the instance says Redis answers again").isTrue();
        assertThat(redis.sync().exists(key))
                .as("the tenant's bucket is in Redis again")
                .isEqualTo(1);
        double fallbacksNow = fallbacks(cutOff);
        for (int i = 0; i < 5; i++) {
            assertThat(send(callbacks, later).statusCode()).isEqualTo(202);
        }
        assertThat(fallbacks(cutOff)).isEqualTo(fallbacksNow);
        assertThat(fallingBack(cutOff)).isEqualTo(0);
        assertThat(messages(Level.WARN)).hasSize(1);
        assertThat(messages(Level.INFO))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("answers again"));

        // and cut off again, this time with its connection made: Lettuce's reconnecting refuses commands at once
        proxy.close();
        double fallbacksBeforeCut = fallbacks(cutOff);
        for (int i = 0; i < 10; i++) {
            assertThat(send(callbacks, later).statusCode())
                    .as("answered by the local fallback")
                    .isIn(202, 429);
        }
        assertThat(fallbacks(cutOff) - fallbacksBeforeCut).isEqualTo(10);
        assertThat(fallingBack(cutOff)).isEqualTo(1);
        // a fall within a minute of the last line is counted for the next summary, not logged at once
        // (a Redis flapping once a second under CPU saturation would fill the log): SwitchLogTests
        assertThat(messages(Level.WARN)).hasSize(1);
    }

    @Test
    void anInstanceWhoseRedisAnswersTooLateDecidesWithItsShareInstead() throws Exception {
        TestConfigurations.Inserted configuration = tenantWithPlan(2, 20);
        Callbacks callbacks = callbacks(slow);
        double fallbacksBefore = fallbacks(slow);
        int sent = 20;
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            int status = send(callbacks, configuration).statusCode();
            assertThat(status).as("answered by the local fallback").isIn(202, 429);
            accepted += status == 202 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // every callback was decided by this instance's share (burst 10, 1 a second), none waited for Redis's answer
        assertThat(fallbacks(slow) - fallbacksBefore).isEqualTo(sent);
        assertThat(accepted).isBetween(10, 10 + (int) Math.ceil(seconds) + 1);
        assertThat(throttled(slow, configuration, "local")).isEqualTo(sent - accepted);
        assertThat(messages(Level.WARN, slowProxy))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("TimeoutException"));
    }

    private List<String> messages(Level level) {
        return messages(level, proxy);
    }

    private List<String> messages(Level level, TcpProxy through) {
        return logged.list.stream()
                .filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.contains("127.0.0.1:" + through.port()))
                .toList();
    }

    private static Callbacks callbacks(ConfigurableApplicationContext context) {
        return new Callbacks(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    private static double fallbacks(ConfigurableApplicationContext context) {
        Counter counter = context.getBean(MeterRegistry.class)
                .find("pushgate.limit.fallbacks")
                .tag("limit", "callbacks")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double fallingBack(ConfigurableApplicationContext context) {
        return context.getBean(MeterRegistry.class)
                .get("pushgate.limit.falling.back")
                .gauge()
                .value();
    }

    private static double throttled(
            ConfigurableApplicationContext context, TestConfigurations.Inserted configuration, String backend) {
        Counter counter = context.getBean(MeterRegistry.class)
                .find("pushgate.throttled")
                .tags(
                        "tenant",
                        configuration.tenantId().toString(),
                        "configuration",
                        configuration.id().toString())
                .tags("limit", "callbacks", "backend", backend)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static HttpResponse<String> send(Callbacks callbacks, TestConfigurations.Inserted configuration) {
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "session-" + UUID.randomUUID());
        return callbacks.post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());
    }

    private static TestConfigurations.Inserted tenantWithPlan(long callbacksPerSecond, long callbackBurst)
            throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            TestConfigurations.Inserted configuration =
                    TestConfigurations.configuration().insert(connection);
            TestConfigurations.plan(connection, configuration.tenantId(), callbacksPerSecond, callbackBurst);
            return configuration;
        }
    }
}
