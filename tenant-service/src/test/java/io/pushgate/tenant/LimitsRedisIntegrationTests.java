package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestPlatformInitializer;
import io.pushgate.testkit.TestRedis;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/**
 * The control plane's limits on the {@code redis} backend, on the real Redis of this run: two
 * tenant-service instances share a tenant's control-plane limit and an account's sign-in failures; a
 * plan change replaces the bucket stored in Redis; an instance whose Redis does not answer (a
 * loopback proxy to the real Redis, closed, then opened: the machine's Redis is never stopped) keeps
 * sign-in limited at its share, keeps answering control-plane calls, says so once, counts it, and is
 * back on Redis when it answers. Every key is under a prefix of this run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsRedisIntegrationTests {

    private static final String PREFIX = "pushgate-test:" + UUID.randomUUID() + ":";
    private static final String FALLBACK_LOGGER = "io.pushgate.tenant.limit.RedisBuckets";
    private static final String OPERATOR_TOKEN = "operator-token-for-the-redis-tests-0123456789";

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private TcpProxy proxy;
    private ConfigurableApplicationContext one;
    private ConfigurableApplicationContext two;
    private ConfigurableApplicationContext cutOff;
    private ListAppender<ILoggingEvent> logged;

    @BeforeAll
    void start() {
        URI redisUrl = TestRedis.require();
        redisClient = RedisClient.create(redisUrl.toString());
        redis = redisClient.connect();
        proxy = new TcpProxy(redisUrl);
        // a generous timeout for the two sharing instances, so a slow machine does not make them fall back
        one = instance(redisUrl, "--pushgate.limits.redis-timeout=500ms");
        two = instance(redisUrl, "--pushgate.limits.redis-timeout=500ms");
        // its Redis (the proxy) does not listen yet: refused at once
        cutOff = instance(
                URI.create("redis://127.0.0.1:" + proxy.port()),
                "--pushgate.limits.redis-timeout=500ms",
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
        if (redis != null) {
            redis.sync().keys(PREFIX + "*").forEach(key -> redis.sync().del(key));
            redis.close();
            redisClient.shutdown();
        }
    }

    private ConfigurableApplicationContext instance(URI redisUrl, String... properties) {
        SpringApplication application = TenantServiceApplication.application();
        application.addInitializers(new TestPlatformInitializer());
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--pushgate.limits.backend=redis",
                "--pushgate.limits.redis-url=" + redisUrl,
                "--pushgate.limits.redis-key-prefix=" + PREFIX,
                "--pushgate.operator-token=" + OPERATOR_TOKEN,
                "--pushgate.sign-in.max-failures-per-account=3",
                "--pushgate.sign-in.max-failures-per-address=100000",
                "--pushgate.sign-up.max-per-address=100000"));
        arguments.addAll(List.of(properties));
        ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    @Test
    void twoInstancesShareATenantsControlPlaneLimit() throws Exception {
        Api.Tenant tenant = api(one).tenant();
        givePlan(tenant.tenantId(), 5);
        Api[] apis = {api(one), api(two)};
        // 20 a second for 3 s, alternating between the instances: each alone would let its own plan through
        int sent = 60;
        long intervalNanos = 50_000_000L;
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            long wait = start + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int status = call(apis[i % 2], tenant.token(), "/v1/configurations")
                    .getStatus()
                    .value();
            assertThat(status).isIn(200, 429);
            accepted += status == 200 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // the plan over the run: 5 at once, then 5 a second
        double allowed = 5 + 5 * seconds;
        assertThat((double) accepted).isBetween(allowed * 0.8, allowed * 1.2);
        assertThat(refused(one, tenant.tenantId()) + refused(two, tenant.tenantId()))
                .isEqualTo(sent - accepted);

        // the plan's usage says the bucket is the one every instance shares
        JsonNode usage = null;
        for (int i = 0; i < 50 && usage == null; i++) {
            EntityExchangeResult<byte[]> answer = call(api(two), tenant.token(), "/v1/plan");
            if (answer.getStatus().value() == 200) {
                usage = Api.parse(new String(answer.getResponseBody()))
                        .get("usage")
                        .get("apiCalls");
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(usage).isNotNull();
        assertThat(usage.get("backend").asString()).isEqualTo("redis");
        assertThat(usage.get("shared").asBoolean()).isTrue();
        assertThat(usage.get("limit").asLong()).isEqualTo(5);
        assertThat(redis.sync().exists(PREFIX + "api-calls:" + tenant.tenantId()))
                .isEqualTo(1);
    }

    @Test
    void aPlanChangeReplacesTheBucketStoredInRedis() throws Exception {
        Api.Tenant tenant = api(one).tenant();
        givePlan(tenant.tenantId(), 1);
        assertThat(call(api(one), tenant.token(), "/v1/configurations")
                        .getStatus()
                        .value())
                .isEqualTo(200);
        assertThat(call(api(two), tenant.token(), "/v1/configurations")
                        .getStatus()
                        .value())
                .isEqualTo(429);
        givePlan(tenant.tenantId(), 10_000);
        // under the stored bucket (1/s) twenty in a row never pass; replaced by the new version's, they do
        boolean allAccepted = false;
        for (int round = 0; round < 50 && !allAccepted; round++) {
            allAccepted = true;
            for (int i = 0; i < 20; i++) {
                allAccepted &= call(api(i % 2 == 0 ? one : two), tenant.token(), "/v1/configurations")
                                .getStatus()
                                .value()
                        == 200;
            }
            if (!allAccepted) {
                Thread.sleep(200);
            }
        }
        assertThat(allAccepted).isTrue();
    }

    @Test
    void signInFailuresCountOnEveryInstance() {
        Api.Tenant tenant = api(one).tenant();
        Map<String, String> wrong = Map.of("email", tenant.email(), "password", "wrong password!!");
        api(one).post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        api(two).post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        api(one).post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        // three failures over two instances: the account's limit, on either
        Map<String, String> right = Map.of("email", tenant.email(), "password", tenant.password());
        api(two).post(null, "/v1/auth/login", right)
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After");
        api(one).post(null, "/v1/auth/login", right).expectStatus().isEqualTo(429);
    }

    @Test
    void withRedisDownSignInStaysLimitedTheControlPlaneAnswersAndRedisIsBackWhenItAnswers() throws Exception {
        Api api = api(cutOff);
        Api.Tenant tenant = api.tenant(); // sign-up and sign-in answered by the fallback
        double fallbacksBefore = fallbacks(cutOff, "sign-in");
        Map<String, String> wrong = Map.of("email", tenant.email(), "password", "wrong password!!");
        // this instance's share of 3 failures with two instances: 2
        api.post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        api.post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", tenant.password()))
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After");
        assertThat(fallbacks(cutOff, "sign-in") - fallbacksBefore).isPositive();

        // control-plane calls are answered, limited by this instance's own bucket
        EntityExchangeResult<byte[]> plan = call(api, tenant.token(), "/v1/plan");
        assertThat(plan.getStatus().value()).isEqualTo(200);
        JsonNode usage =
                Api.parse(new String(plan.getResponseBody())).get("usage").get("apiCalls");
        assertThat(usage.get("backend").asString()).isEqualTo("local");
        assertThat(usage.get("shared").asBoolean()).isFalse();
        assertThat(messages(Level.WARN))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("127.0.0.1:" + proxy.port()));

        proxy.open();
        String backend = "local";
        for (int i = 0; i < 100 && !backend.equals("redis"); i++) {
            Thread.sleep(100);
            EntityExchangeResult<byte[]> answer = call(api, tenant.token(), "/v1/plan");
            if (answer.getStatus().value() == 200) {
                backend = Api.parse(new String(answer.getResponseBody()))
                        .get("usage")
                        .get("apiCalls")
                        .get("backend")
                        .asString();
            }
        }
        assertThat(backend).as("decided by Redis again").isEqualTo("redis");
        assertThat(messages(Level.INFO))
                .singleElement()
                .satisfies(message -> assertThat(message).contains("answers again"));
        assertThat(redis.sync().exists(PREFIX + "api-calls:" + tenant.tenantId()))
                .isEqualTo(1);
    }

    private static Api api(ConfigurableApplicationContext instance) {
        return new Api(instance.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    private static EntityExchangeResult<byte[]> call(Api api, String token, String path) {
        return api.get(token, path).expectBody(byte[].class).returnResult();
    }

    private void givePlan(UUID tenantId, long apiCallsPerSecond) {
        api(one).http
                .put()
                .uri("/v1/operator/tenants/" + tenantId + "/plan")
                .headers(h -> h.setBearerAuth(OPERATOR_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "callbacksPerSecond", 100,
                        "callbackBurst", 100,
                        "registrationsPerSecond", 100,
                        "apiCallsPerSecond", apiCallsPerSecond,
                        "deliveriesPerSecondPerCredential", 100))
                .exchange()
                .expectStatus()
                .isOk();
    }

    private static long refused(ConfigurableApplicationContext instance, UUID tenantId) {
        return (long) instance
                .getBean(MeterRegistry.class)
                .find("pushgate.throttled")
                .tag("tenant", tenantId.toString())
                .tag("limit", "api-calls")
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static double fallbacks(ConfigurableApplicationContext instance, String limit) {
        Counter counter = instance.getBean(MeterRegistry.class)
                .find("pushgate.limit.fallbacks")
                .tag("limit", limit)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> messages(Level level) {
        return logged.list.stream()
                .filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
