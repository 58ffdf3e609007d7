package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.Scopes;
import io.pushgate.delivery.AvayaAliases;
import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TenancySchema;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestHttp;
import io.pushgate.testkit.TestIssuer;
import io.pushgate.testkit.TestPlatformInitializer;
import io.pushgate.testkit.TestRedis;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The registration limits on the {@code redis} backend, on the real Redis of this run: two instances
 * share a tenant's registration limit and an app client's share of it (keys per tenant and limit),
 * open registration's limits per address and per configuration are shared too; and an instance whose
 * Redis does not answer (a loopback proxy that does not listen) still limits registrations with its
 * local share, never "no limit". Every key is under a prefix of this run.
 */
@ExtendWith(TenancySchema.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationLimitRedisIntegrationTests {

    private static final String PREFIX = "pushgate-test:" + UUID.randomUUID() + ":";
    private static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private TestIssuer platform;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private TcpProxy proxy;
    private ConfigurableApplicationContext one;
    private ConfigurableApplicationContext two;
    private ConfigurableApplicationContext cutOff;

    @BeforeAll
    void start() {
        URI redisUrl = TestRedis.require();
        redisClient = RedisClient.create(redisUrl.toString());
        redis = redisClient.connect();
        platform = TestIssuer.ec(PLATFORM_ISSUER);
        proxy = new TcpProxy(redisUrl);
        one = instance(redisUrl, "--pushgate.limits.redis-timeout=500ms");
        two = instance(redisUrl, "--pushgate.limits.redis-timeout=500ms");
        // its Redis (the proxy) never listens: refused at once
        cutOff = instance(
                URI.create("redis://127.0.0.1:" + proxy.port()),
                "--pushgate.limits.redis-timeout=500ms",
                "--pushgate.limits.instances=2");
    }

    @AfterAll
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
        if (proxy != null) {
            proxy.close();
        }
        if (platform != null) {
            platform.close();
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
                "--pushgate.security.allow-loopback-jwks=true",
                "--pushgate.security.jwks-refresh-interval=0s",
                "--pushgate.security.platform-issuer=" + PLATFORM_ISSUER,
                "--pushgate.security.platform-jwks-uri=" + platform.jwksUri(),
                "--pushgate.registration.open-per-ip-limit=100000",
                "--pushgate.registration.open-per-configuration-limit=100000",
                "--pushgate.limits.backend=redis",
                "--pushgate.limits.redis-url=" + redisUrl,
                "--pushgate.limits.redis-key-prefix=" + PREFIX));
        arguments.addAll(List.of(properties));
        ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    @Test
    void twoInstancesShareATenantsRegistrationLimitAndAClientsShareOfIt() throws Exception {
        // the tenant: a burst of 10, refilled at 10 a second; one app client: 5, at 5 a second
        RegistrationIntegrationSupport.Tenant tenant = tenantWithRegistrations(10);
        String token = token(tenant.id(), "client-a");
        WebTestClient[] clients = {http(one), http(two)};

        long start = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            int status = register(clients[i % 2], tenant, token);
            assertThat(status).isIn(200, 429);
            accepted += status == 200 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // each instance alone would have let its own 5 through (10 together): shared, the client gets 5 in all
        assertThat(accepted).isBetween(5, 5 + (int) Math.ceil(seconds * 5) + 1);
        assertThat(redis.sync().exists(PREFIX + "registrations:" + tenant.id())).isEqualTo(1);
        assertThat(redis.sync().keys(PREFIX + "registrations-subject:" + tenant.id() + ":*"))
                .singleElement()
                .satisfies(key -> assertThat(key).doesNotContain("client-a"));
        assertThat(throttled(one, tenant.id()) + throttled(two, tenant.id())).isEqualTo(20 - accepted);
    }

    @Test
    void openRegistrationsLimitsAreSharedPerAddressAndPerConfiguration() throws Exception {
        RegistrationIntegrationSupport.Tenant tenant = tenantWithRegistrations(1_000);
        register(http(one), tenant, null);
        assertThat(redis.sync().exists(PREFIX + "open-registrations-configuration:" + tenant.configurationId()))
                .isEqualTo(1);
        assertThat(redis.sync().exists(PREFIX + "open-registrations-address:127.0.0.1"))
                .isEqualTo(1);
        assertThat(redis.sync().exists(PREFIX + "registrations:" + tenant.id()))
                .as("an open registration counts against its tenant's plan too")
                .isEqualTo(1);
    }

    @Test
    void anInstanceWhoseRedisDoesNotAnswerStillLimitsRegistrationsWithItsShare() throws Exception {
        // the tenant: 10 at once, 10 a second; the client's share 5; this instance's half of that: 3
        RegistrationIntegrationSupport.Tenant tenant = tenantWithRegistrations(10);
        String token = token(tenant.id(), "client-a");
        WebTestClient client = http(cutOff);
        double fallbacksBefore = fallbacks(cutOff);

        long start = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            int status = register(client, tenant, token);
            assertThat(status).as("answered by the local fallback").isIn(200, 429);
            accepted += status == 200 ? 1 : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(accepted).isBetween(3, 3 + (int) Math.ceil(seconds * 3) + 1);
        assertThat(fallbacks(cutOff) - fallbacksBefore).isPositive();
        assertThat(redis.sync().exists(PREFIX + "registrations:" + tenant.id())).isZero();
    }

    private int register(WebTestClient client, RegistrationIntegrationSupport.Tenant tenant, String token) {
        return AvayaAliases.register(
                        client,
                        "fcm-" + UUID.randomUUID() + ":APA91b" + HexFormat.of().formatHex(bytes(40)),
                        Map.of("configId", tenant.configId(), "sessionId", "s-redis"),
                        token)
                .expectBody()
                .returnResult()
                .getStatus()
                .value();
    }

    private String token(UUID tenantId, String client) {
        return platform.token()
                .audience("pushgate")
                .subject(client)
                .claim("tenant_id", tenantId.toString())
                .claim("client_id", client)
                .scope(Scopes.REGISTRATIONS)
                .sign();
    }

    private static WebTestClient http(ConfigurableApplicationContext context) {
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        return WebTestClient.bindToServer(TestHttp.unpooled())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static double fallbacks(ConfigurableApplicationContext context) {
        double sum = 0;
        for (String limit : List.of("registrations", "registrations-subject")) {
            Counter counter = context.getBean(MeterRegistry.class)
                    .find("pushgate.limit.fallbacks")
                    .tag("limit", limit)
                    .counter();
            sum += counter == null ? 0 : counter.count();
        }
        return sum;
    }

    private static double throttled(ConfigurableApplicationContext context, UUID tenantId) {
        return context
                .getBean(MeterRegistry.class)
                .find("pushgate.throttled")
                .tag("tenant", tenantId.toString())
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** A tenant with an open configuration whose plan allows {@code rate} registration calls a second. */
    private static RegistrationIntegrationSupport.Tenant tenantWithRegistrations(long rate) throws SQLException {
        RegistrationIntegrationSupport.Tenant tenant = RegistrationIntegrationSupport.tenant(true);
        try (Connection connection = TestDatabase.get().connect();
                var plan = connection.prepareStatement("""
                        INSERT INTO tenancy.plan (tenant_id, callbacks_per_second, callback_burst, registrations_per_second,
                            api_calls_per_second, deliveries_per_second_per_credential, version)
                        VALUES (?, 10000, 20000, ?, 100, 5000, 1)""")) {
            plan.setObject(1, tenant.id());
            plan.setLong(2, rate);
            plan.executeUpdate();
        }
        return tenant;
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
