package io.pushgate.standalone;

import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.embeddedpg.EmbeddedPostgres;
import io.pushgate.embeddedpg.EmbeddedPostgresException;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.portal.WebPortalApplication;
import io.pushgate.standalone.LauncherSettings.ExternalDatabase;
import io.pushgate.tenant.TenantServiceApplication;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in this process: the database (embedded unless one is configured), the sandbox
 * provider (an FCM emulator on a free port of 127.0.0.1, where "sandbox" credentials send), then
 * tenant-service, delivery-service and web-portal. It either starts whole or not at all: a failure
 * stops whatever had started before it is reported.
 */
final class Platform implements Launch {

    /** One started service, as the launcher reports it. */
    record Service(String name, int port, String purpose) {
        String url() {
            return "http://localhost:" + port;
        }
    }

    static final String DATABASE = "pushgate";

    /**
     * Security that another service's dependencies bring onto the shared class path: a service
     * without a security configuration of its own (today the portal) must not get Spring Boot's
     * default (HTTP Basic on every path).
     */
    private static final String FOREIGN_SECURITY = String.join(
            ",",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration");

    /**
     * What the portal's context must not configure: it owns no data, and its security is its own
     * ({@code @EnableWebFluxSecurity}: none of Spring Boot's security auto-configuration applies).
     */
    private static final String PORTAL_EXCLUDES = String.join(
            ",",
            FOREIGN_SECURITY,
            "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
            "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
            "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcRepositoriesAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");

    private static final String STOPPED_DURING_START = "stopped before it was up";

    /** How long a stop waits for the start-up step in progress (a database or a service starting). */
    private static final long START_STEP_WAIT_MILLIS = 120_000;

    private final LauncherSettings settings;
    /** More arguments for a service, by its name (tests: e.g. a short token lifetime). */
    private final Map<String, List<String>> extraArguments;
    /** The services' contexts, by name, once started. */
    private final Map<String, ConfigurableApplicationContext> contexts = new ConcurrentHashMap<>();
    /** What has started, the latest first: it is stopped in this order. Guarded by {@code this}. */
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    private final List<Service> services = new ArrayList<>();
    private FcmEmulator sandbox;
    private volatile String databaseDescription;
    /** Guarded by {@code this}. */
    private boolean starting;
    /** Guarded by {@code this}. */
    private boolean closed;

    Platform(LauncherSettings settings) {
        this(settings, Map.of());
    }

    Platform(LauncherSettings settings, Map<String, List<String>> extraArguments) {
        this.settings = settings;
        this.extraArguments = Map.copyOf(extraArguments);
    }

    /**
     * Starts the whole platform: the checks first, then the database, the sandbox and the three
     * services. On a failure whatever had started is stopped before the {@link LaunchException} is
     * thrown. A {@link #close()} from another thread (the launcher's shutdown hook, on SIGINT or
     * SIGTERM) waits for the step in progress, stops everything, and makes this throw too.
     */
    @Override
    public void start() {
        synchronized (this) {
            if (closed) {
                throw new LaunchException(STOPPED_DURING_START);
            }
            starting = true;
        }
        try {
            startParts();
        } catch (RuntimeException e) {
            startEnded();
            close();
            throw e instanceof LaunchException launch ? launch : new LaunchException(Failures.describe(e), e);
        }
        startEnded();
    }

    private void startParts() {
        checkPortIsFree(settings.deliveryPort(), "delivery-service", "PUSHGATE_DELIVERY_PORT");
        checkPortIsFree(settings.tenantPort(), "tenant-service", "PUSHGATE_TENANT_PORT");
        checkPortIsFree(settings.portalPort(), "web-portal", "PUSHGATE_PORTAL_PORT");
        Path logs = settings.home().resolve("logs");
        createDirectories(logs);
        String keyset = HomeSecrets.keyset(settings);

        ExternalDatabase database;
        if (settings.externalDatabase().isPresent()) {
            database = settings.externalDatabase().get();
            checkReachable(database);
            databaseDescription = "PostgreSQL at " + database.safeUrl();
        } else {
            EmbeddedPostgres embedded = adopt(startEmbedded(
                    settings.home().resolve("pgdata"),
                    logs.resolve("postgres.log"),
                    HomeSecrets.databasePassword(settings.home())));
            database = new ExternalDatabase(embedded.url(DATABASE), EmbeddedPostgres.SUPERUSER, embedded.password());
            databaseDescription = "embedded PostgreSQL " + database.url() + " (user postgres, password in "
                    + settings.home().resolve(HomeSecrets.DATABASE_PASSWORD_FILE) + "), data in "
                    + settings.home().resolve("pgdata");
        }
        sandbox = adopt(FcmEmulator.start(
                "127.0.0.1",
                0,
                Runtime.getRuntime().availableProcessors(),
                settings.sandboxMaxMessages(),
                settings.sandboxMaxBytes()));
        // the bearer token sandbox credentials send with: accepted by this emulator for every project
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String sandboxToken = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        sandbox.acceptAccessToken(sandboxToken);
        List<String> common = List.of(
                "--pushgate.db.url=" + database.url(),
                "--pushgate.db.user=" + database.user(),
                "--pushgate.db.password=" + database.password(),
                "--logging.config=classpath:" + PushgateLauncher.LOGBACK_CONFIG,
                "--logging.file.name=" + logs.resolve(PushgateLauncher.LOG_FILE_NAME),
                "--logging.include-application-name=false",
                // the launcher's shutdown hook stops the services; Spring Boot's own hook would stop
                // the logging at the same time, and the services' last lines would be lost
                "--logging.register-shutdown-hook=false",
                "--pushgate.keyset=" + keyset,
                "--pushgate.issuer=" + settings.issuer(),
                "--spring.main.register-shutdown-hook=false");
        List<String> tenant = new ArrayList<>(common);
        tenant.add("--pushgate.public-base-url=" + settings.publicBaseUrl());
        // GET /v1/plan shows the data plane's usage, asked of delivery-service
        tenant.add("--pushgate.plan.delivery-service-url=http://127.0.0.1:" + settings.deliveryPort());
        run(
                new Service("tenant-service", settings.tenantPort(), "control-plane API"),
                TenantServiceApplication.application(),
                tenant);
        List<String> delivery = new ArrayList<>(common);
        // delivery-service has its own security (bearer tokens on /v1 and the registration aliases,
        // callbacks open): it verifies platform tokens with tenant-service's keys
        delivery.add(
                "--pushgate.security.platform-jwks-uri=http://127.0.0.1:" + settings.tenantPort() + "/oauth2/jwks");
        delivery.add("--pushgate.sandbox.fcm-url=" + sandbox.baseUri());
        delivery.add("--pushgate.sandbox.access-token=" + sandboxToken);
        run(
                new Service("delivery-service", settings.deliveryPort(), "AXP callbacks, device registrations"),
                DeliveryServiceApplication.application(),
                delivery);
        List<String> portal = new ArrayList<>(common);
        portal.add("--pushgate.portal.tenant-service-url=http://127.0.0.1:" + settings.tenantPort());
        portal.add("--pushgate.portal.delivery-service-url=http://127.0.0.1:" + settings.deliveryPort());
        portal.add("--spring.autoconfigure.exclude=" + PORTAL_EXCLUDES);
        portal.add("--pushgate.portal.session.cookie-secure=" + settings.portalCookieSecure());
        run(
                new Service("web-portal", settings.portalPort(), "onboarding portal"),
                WebPortalApplication.application(),
                portal);
    }

    List<Service> services() {
        return List.copyOf(services);
    }

    @Override
    public List<Launch.Service> endpoints() {
        List<Launch.Service> endpoints = new ArrayList<>();
        for (Service service : services) {
            endpoints.add(new Launch.Service(service.name(), service.url(), service.purpose()));
        }
        endpoints.add(new Launch.Service("sandbox", sandboxUrl(), "FCM emulator: where sandbox credentials send"));
        return endpoints;
    }

    @Override
    public String databaseDescription() {
        return databaseDescription;
    }

    /** The sandbox provider's address (the FCM emulator, with its control API under {@code /emulator/fcm}). */
    @Override
    public String sandboxUrl() {
        return sandbox.baseUri().toString();
    }

    /**
     * Stops the services in the reverse order of their start, then the sandbox and the embedded
     * database. While {@link #start()} runs in another thread, waits for its current step to end
     * first (its next step does not begin), so that nothing it starts is left running; a second
     * caller waits until the first has stopped everything.
     */
    @Override
    public synchronized void close() {
        closed = true;
        long deadline = System.currentTimeMillis() + START_STEP_WAIT_MILLIS;
        while (starting && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("pushgate: " + Failures.describe(e));
            }
        }
    }

    private synchronized void startEnded() {
        starting = false;
        notifyAll();
    }

    /**
     * Takes a part that has just started into the platform, to be stopped with it. When the
     * platform was closed while the part started, the start ends here.
     */
    private synchronized <T extends AutoCloseable> T adopt(T part) {
        parts.push(part);
        if (closed) {
            throw new LaunchException(STOPPED_DURING_START);
        }
        return part;
    }

    /** A started service's application context (tests reach into the platform through it). */
    ConfigurableApplicationContext context(String service) {
        return contexts.get(service);
    }

    private void run(Service service, SpringApplication application, List<String> common) {
        List<String> arguments = new ArrayList<>(common);
        arguments.add("--server.port=" + service.port());
        arguments.addAll(extraArguments.getOrDefault(service.name(), List.of()));
        try {
            contexts.put(service.name(), adopt(application.run(arguments.toArray(String[]::new))));
        } catch (LaunchException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LaunchException(service.name() + " did not start: " + Failures.reason(e), e);
        }
        services.add(service);
    }

    static EmbeddedPostgres startEmbedded(Path data, Path log, String password) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.start(data, log, true, password);
            try {
                postgres.createDatabaseIfMissing(DATABASE);
            } catch (RuntimeException e) {
                postgres.close();
                throw e;
            }
            return postgres;
        } catch (EmbeddedPostgresException e) {
            throw new LaunchException(e.getMessage(), e);
        }
    }

    static void checkPortIsFree(int port, String service, String variable) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new LaunchException("port " + port + " (" + service + ") is already in use; stop what uses it or set "
                    + variable + " to another port");
        }
    }

    static void checkReachable(ExternalDatabase database) {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        try (var connection = DriverManager.getConnection("jdbc:" + database.url(), properties)) {
            connection.isValid(5);
        } catch (SQLException e) {
            String reason = Failures.firstLine(e.getMessage());
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && !reason.contains(cause.getMessage())) {
                // e.g. "The connection attempt failed." says little; its cause names the unknown host
                reason += " (" + cause.getClass().getSimpleName() + ": " + Failures.firstLine(cause.getMessage()) + ")";
            }
            throw new LaunchException(
                    "cannot use the PostgreSQL at " + database.safeUrl() + " (PUSHGATE_DB_URL): " + reason);
        }
    }

    static void createDirectories(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new LaunchException("cannot create " + folder + " (PUSHGATE_HOME): " + e.getMessage());
        }
    }
}
