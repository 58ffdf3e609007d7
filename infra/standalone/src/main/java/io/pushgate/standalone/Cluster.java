package io.pushgate.standalone;

import io.pushgate.embeddedpg.EmbeddedPostgres;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.standalone.LauncherSettings.ExternalDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The platform as several processes, the way it runs on Kubernetes: tenant-service, web-portal and
 * N delivery-service instances, each its own executable jar in a JVM of its own, on one PostgreSQL
 * (embedded unless one is configured), with one sandbox FCM emulator that every instance sends to (in
 * this JVM, so that its record of messages is the one place that counts pushes) and a round-robin
 * {@link Front} on the public delivery port. A service process that ends without being asked to is
 * started again, as a Kubernetes Deployment replaces a pod: after a {@code kill -9} as after a
 * graceful stop.
 */
final class Cluster implements Launch {

    /** How long a service may take to start when several JVMs start at once on a small machine. */

    /**
     * How long a stopping service may take: delivery-service waits up to its
     * {@code pushgate.dispatch.stop-timeout} (15 s) for the sends in flight, then gives the rest back.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(45);

    private static final String DELIVERY = "delivery-service";

    private final LauncherSettings settings;
    private final ServiceJars jars;
    private final List<ServiceProcess> deliveries = new ArrayList<>();
    private final List<ServiceProcess> others = new ArrayList<>();
    /** What has started, the latest first: it is stopped in this order. Guarded by {@code this}. */
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    private FcmEmulator sandbox;
    private Front front;
    private volatile String databaseDescription;
    private volatile boolean closing;

    Cluster(LauncherSettings settings, ServiceJars jars) {
        this.settings = settings;
        this.jars = jars;
    }

    @Override
    public void start() {
        try {
            startParts();
        } catch (RuntimeException e) {
            close();
            throw e instanceof LaunchException launch ? launch : new LaunchException(Failures.describe(e), e);
        }
    }

    private void startParts() {
        Platform.checkPortIsFree(settings.deliveryPort(), "the delivery-service front", "PUSHGATE_DELIVERY_PORT");
        Platform.checkPortIsFree(settings.tenantPort(), "tenant-service", "PUSHGATE_TENANT_PORT");
        Platform.checkPortIsFree(settings.portalPort(), "web-portal", "PUSHGATE_PORTAL_PORT");
        // each service's JVM from its extracted jar with a class-data archive (one per jar, shared by instances)
        ClassDataSharing tenantJar = ClassDataSharing.of(jars.find("tenant-service"));
        ClassDataSharing deliveryJar = ClassDataSharing.of(jars.find(DELIVERY));
        ClassDataSharing portalJar = ClassDataSharing.of(jars.find("web-portal"));
        Path logs = settings.home().resolve("logs");
        Platform.createDirectories(logs);
        Platform.createDirectories(settings.home().resolve("run"));
        String keyset = HomeSecrets.keyset(settings);

        ExternalDatabase database;
        if (settings.externalDatabase().isPresent()) {
            database = settings.externalDatabase().get();
            Platform.checkReachable(database);
            databaseDescription = "PostgreSQL at " + database.safeUrl();
        } else {
            EmbeddedPostgres embedded = adopt(Platform.startEmbedded(
                    settings.home().resolve("pgdata"),
                    logs.resolve("postgres.log"),
                    HomeSecrets.databasePassword(settings.home())));
            database = new ExternalDatabase(
                    embedded.url(Platform.DATABASE), EmbeddedPostgres.SUPERUSER, embedded.password());
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
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String sandboxToken = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        sandbox.acceptAccessToken(sandboxToken);

        Map<String, String> common = new HashMap<>();
        common.put("PUSHGATE_DB_URL", database.url());
        common.put("PUSHGATE_DB_USER", database.user());
        common.put("PUSHGATE_DB_PASSWORD", database.password());
        common.put("PUSHGATE_KEYSET", keyset);
        common.put("PUSHGATE_ISSUER", settings.issuer());
        List<String> javaOptions = settings.serviceJavaOptions();

        Map<String, String> tenant = new HashMap<>(common);
        tenant.put("SERVER_PORT", Integer.toString(settings.tenantPort()));
        tenant.put("PUSHGATE_PUBLIC_BASE_URL", settings.publicBaseUrl());
        ServiceProcess tenantService = new ServiceProcess(
                "tenant-service", settings.tenantPort(), tenantJar, tenant, javaOptions, settings.home());
        others.add(tenantService);
        launch(tenantService);
        // delivery-service reads tenancy's tables: they are migrated before it starts
        awaitReady(List.of(tenantService));

        for (int i = 1; i <= settings.deliveryInstances(); i++) {
            int port = freePort();
            Map<String, String> delivery = new HashMap<>(common);
            delivery.put("SERVER_PORT", Integer.toString(port));
            // behind the front only: it is the one public address
            delivery.put("SERVER_ADDRESS", "127.0.0.1");
            // the front (on loopback, trusted by pushgate.trusted-proxies' default) sets X-Forwarded-For
            // to the caller's address: the per-address limits count it
            delivery.put(
                    "PUSHGATE_SECURITY_PLATFORM_JWKS_URI",
                    "http://127.0.0.1:" + settings.tenantPort() + "/oauth2/jwks");
            delivery.put("PUSHGATE_SANDBOX_FCM_URL", sandbox.baseUri().toString());
            delivery.put("PUSHGATE_SANDBOX_ACCESS_TOKEN", sandboxToken);
            ServiceProcess instance =
                    new ServiceProcess(DELIVERY + "-" + i, port, deliveryJar, delivery, javaOptions, settings.home());
            deliveries.add(instance);
            launch(instance);
        }
        Map<String, String> portal = new HashMap<>();
        portal.put("SERVER_PORT", Integer.toString(settings.portalPort()));
        portal.put("PUSHGATE_PORTAL_TENANT_SERVICE_URL", "http://127.0.0.1:" + settings.tenantPort());
        portal.put("PUSHGATE_PORTAL_DELIVERY_SERVICE_URL", "http://127.0.0.1:" + settings.deliveryPort());
        portal.put("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE", Boolean.toString(settings.portalCookieSecure()));
        ServiceProcess portalService = new ServiceProcess(
                "web-portal", settings.portalPort(), portalJar, portal, javaOptions, settings.home());
        others.add(portalService);
        launch(portalService);
        awaitReady(Stream.concat(deliveries.stream(), Stream.of(portalService)).toList());

        List<Front.Backend> backends = new ArrayList<>();
        for (ServiceProcess instance : deliveries) {
            backends.add(new Front.Backend(instance.name(), instance.url()));
        }
        try {
            front = adopt(Front.start(settings.deliveryPort(), backends));
        } catch (RuntimeException e) {
            throw new LaunchException(
                    "the delivery-service front did not start on port " + settings.deliveryPort() + ": "
                            + Failures.reason(e),
                    e);
        }
        for (ServiceProcess service :
                Stream.concat(deliveries.stream(), others.stream()).toList()) {
            supervise(service);
        }
    }

    /** Starts the process, to be stopped with the platform. */
    private void launch(ServiceProcess service) {
        synchronized (this) {
            if (closing) {
                throw new LaunchException("stopped before it was up");
            }
            service.start();
        }
    }

    /** Waits for all of {@code services} at once (they start in parallel). */
    private void awaitReady(List<ServiceProcess> services) {
        List<CompletableFuture<Void>> waits = services.stream()
                .map(service -> CompletableFuture.runAsync(
                        () -> service.awaitReady(Duration.ofSeconds(settings.serviceStartSeconds()))))
                .toList();
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Starts {@code service} again whenever it ends while the platform is not stopping, as Kubernetes
     * replaces a pod; one that lived less than a minute waits 2 s first, so that a service that cannot
     * start does not spin (its log says why).
     */
    private void supervise(ServiceProcess service) {
        Process process = service.process();
        long started = System.nanoTime();
        process.onExit().thenAccept(ended -> {
            if (closing) {
                return;
            }
            System.err.printf(
                    "pushgate: %s (pid %d) ended with status %d; starting it again (log: %s)%n",
                    service.name(), ended.pid(), ended.exitValue(), service.log());
            boolean quick = Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMinutes(1)) < 0;
            try {
                Thread.sleep(quick ? 2_000 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (closing) {
                    return;
                }
                service.start();
            }
            supervise(service);
        });
    }

    @Override
    public List<Launch.Service> endpoints() {
        List<Launch.Service> endpoints = new ArrayList<>();
        endpoints.add(new Launch.Service(
                "tenant-service", "http://localhost:" + settings.tenantPort(), "control-plane API" + pid(others, 0)));
        endpoints.add(new Launch.Service(
                DELIVERY,
                "http://localhost:" + settings.deliveryPort(),
                "AXP callbacks, device registrations: round-robin over " + deliveries.size() + " instances"));
        for (int i = 0; i < deliveries.size(); i++) {
            ServiceProcess instance = deliveries.get(i);
            endpoints.add(new Launch.Service(
                    "  " + instance.name(),
                    instance.url().toString(),
                    "pid in " + instance.pidFile() + pid(deliveries, i)));
        }
        endpoints.add(new Launch.Service(
                "web-portal", "http://localhost:" + settings.portalPort(), "onboarding portal" + pid(others, 1)));
        endpoints.add(new Launch.Service("sandbox", sandboxUrl(), "FCM emulator: where sandbox credentials send"));
        return endpoints;
    }

    private static String pid(List<ServiceProcess> services, int index) {
        return Optional.ofNullable(services.get(index).process())
                .map(process -> " (pid " + process.pid() + ")")
                .orElse("");
    }

    @Override
    public String databaseDescription() {
        return databaseDescription;
    }

    @Override
    public String sandboxUrl() {
        return sandbox.baseUri().toString();
    }

    /**
     * Stops the front, then every delivery-service instance at once (each drains within its stop
     * timeout), the portal and tenant-service, then the sandbox and the embedded database.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        Front current = front;
        if (current != null) {
            current.close();
        }
        stopAll(deliveries);
        List<ServiceProcess> reversed = new ArrayList<>(others);
        Collections.reverse(reversed);
        stopAll(reversed);
        synchronized (this) {
            while (!parts.isEmpty()) {
                AutoCloseable part = parts.pop();
                if (part == front) {
                    continue;
                }
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("pushgate: " + Failures.describe(e));
                }
            }
        }
    }

    private static void stopAll(List<ServiceProcess> services) {
        List<CompletableFuture<Void>> stops = services.stream()
                .map(service -> CompletableFuture.runAsync(() -> service.stop(STOP_GRACE)))
                .toList();
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }

    private synchronized <T extends AutoCloseable> T adopt(T part) {
        parts.push(part);
        if (closing) {
            throw new LaunchException("stopped before it was up");
        }
        return part;
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LaunchException("no free port for a delivery-service instance: " + e.getMessage(), e);
        }
    }
}
