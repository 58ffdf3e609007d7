package io.pushgate.standalone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code ./pushgate up} reads from its environment.
 *
 * @param home where the embedded database and the logs live ({@code PUSHGATE_HOME})
 * @param externalDatabase the PostgreSQL to use instead of the embedded one ({@code PUSHGATE_DB_URL})
 * @param keyset the secrets-at-rest keyset, as Tink JSON or a file path ({@code PUSHGATE_KEYSET});
 *     without it the launcher keeps one in {@code PUSHGATE_HOME}
 * @param publicBaseUrl where AXP reaches delivery-service: callback URLs start with it
 *     ({@code PUSHGATE_PUBLIC_BASE_URL}, default delivery-service on localhost)
 * @param issuer the {@code iss} of platform tokens: tenant-service's address
 *     ({@code PUSHGATE_ISSUER}, default tenant-service on localhost)
 * @param portalCookieSecure whether the portal's session cookie is {@code Secure}
 *     ({@code PUSHGATE_PORTAL_SESSION_COOKIE_SECURE}; off by default here, where the portal is served
 *     over plain HTTP; turn it on behind an HTTPS proxy)
 * @param deliveryInstances how many delivery-service processes ({@code PUSHGATE_DELIVERY_INSTANCES},
 *     or {@code --delivery-instances}); 1 runs the whole platform in this JVM, more run every service
 *     in a JVM of its own behind a round-robin front on the delivery port
 * @param sandboxMaxMessages how many accepted messages the sandbox FCM emulator keeps
 *     ({@code PUSHGATE_SANDBOX_MAX_MESSAGES})
 * @param sandboxMaxMegabytes how many MiB of accepted messages it keeps at most
 *     ({@code PUSHGATE_SANDBOX_MAX_MEGABYTES}; default 128, or 1 KiB a message when more messages are
 *     kept: a 2,000/s benchmark run's 100,000 fit in 128)
 * @param serviceStartSeconds with a JVM per service: how long each may take to be ready before the
 *     launcher gives up ({@code PUSHGATE_SERVICE_START_SECONDS}, default 240)
 * @param serviceJavaOptions with a JVM per service: the options each service's JVM starts with — the
 *     launcher's {@link #SERVICE_HEAP default heap bound}, then {@code PUSHGATE_SERVICE_JAVA_OPTS}, which
 *     can override it
 */
record LauncherSettings(
        Path home,
        int deliveryPort,
        int tenantPort,
        int portalPort,
        Optional<ExternalDatabase> externalDatabase,
        Optional<String> keyset,
        String publicBaseUrl,
        String issuer,
        boolean portalCookieSecure,
        int deliveryInstances,
        int sandboxMaxMessages,
        int sandboxMaxMegabytes,
        int serviceStartSeconds,
        List<String> serviceJavaOptions) {

    /**
     * Each service JVM's heap bound unless {@code PUSHGATE_SERVICE_JAVA_OPTS} says otherwise. Without
     * it a JVM takes a quarter of the machine (6 GiB here) and grows into it: delivery-service reached
     * ~1 GB RSS in two 2,000 callbacks/s runs, where it keeps 36 MB live; with 256 MB each stayed under
     * 410 MB RSS (docs/PERFORMANCE.md, "Memory").
     */
    static final String SERVICE_HEAP = "-Xmx256m";

    /** The most delivery-service processes one machine is given. */
    static final int MAX_DELIVERY_INSTANCES = 16;

    /** {@link #sandboxMaxMegabytes} in bytes. */
    long sandboxMaxBytes() {
        return sandboxMaxMegabytes * 1024L * 1024L;
    }

    /** Whether every service runs in a JVM of its own (more than one delivery-service instance). */
    boolean multiProcess() {
        return deliveryInstances > 1;
    }

    /** A PostgreSQL given by URL; {@code url} is libpq-style: {@code postgresql://host:port/database}. */
    record ExternalDatabase(String url, String user, String password) {

        /** The URL without any user info, for messages. */
        String safeUrl() {
            return url.replaceFirst("//[^/@]*@", "//");
        }
    }

    private static final Pattern POSTGRESQL_URL = Pattern.compile("postgresql://[^/?\\s]+(/[^?\\s]*)?(\\?\\S*)?");

    static LauncherSettings from(Map<String, String> environment) {
        Path home = Path.of(environment.getOrDefault("PUSHGATE_HOME", ".pushgate"))
                .toAbsolutePath()
                .normalize();
        int delivery = port(environment, "PUSHGATE_DELIVERY_PORT", 8080);
        int tenant = port(environment, "PUSHGATE_TENANT_PORT", 8081);
        int portal = port(environment, "PUSHGATE_PORTAL_PORT", 8082);
        if (delivery == tenant || delivery == portal || tenant == portal) {
            throw new LaunchException("the three ports must differ, but they are " + delivery + ", " + tenant + " and "
                    + portal + " (PUSHGATE_DELIVERY_PORT, PUSHGATE_TENANT_PORT, PUSHGATE_PORTAL_PORT)");
        }
        Optional<ExternalDatabase> external = Optional.ofNullable(environment.get("PUSHGATE_DB_URL"))
                .filter(url -> !url.isBlank())
                .map(url -> new ExternalDatabase(
                        normalizedDatabaseUrl(url.strip()),
                        environment.getOrDefault("PUSHGATE_DB_USER", "postgres"),
                        environment.getOrDefault("PUSHGATE_DB_PASSWORD", "")));
        Optional<String> keyset =
                Optional.ofNullable(environment.get("PUSHGATE_KEYSET")).filter(value -> !value.isBlank());
        String publicBaseUrl = environment.getOrDefault("PUSHGATE_PUBLIC_BASE_URL", "http://localhost:" + delivery);
        String issuer = environment.getOrDefault("PUSHGATE_ISSUER", "http://localhost:" + tenant);
        String secure = environment
                .getOrDefault("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE", "false")
                .strip();
        if (!secure.equals("true") && !secure.equals("false")) {
            throw new LaunchException(
                    "PUSHGATE_PORTAL_SESSION_COOKIE_SECURE must be true or false, not '" + secure + "'");
        }
        int instances = number(environment, "PUSHGATE_DELIVERY_INSTANCES", 1, 1, MAX_DELIVERY_INSTANCES);
        int sandboxMessages = number(environment, "PUSHGATE_SANDBOX_MAX_MESSAGES", 100_000, 1, 10_000_000);
        int sandboxMegabytes =
                number(environment, "PUSHGATE_SANDBOX_MAX_MEGABYTES", Math.max(128, sandboxMessages / 1024), 1, 65_536);
        int startSeconds = number(environment, "PUSHGATE_SERVICE_START_SECONDS", 240, 10, 3_600);
        List<String> javaOptions = new ArrayList<>(List.of(SERVICE_HEAP));
        String given =
                environment.getOrDefault("PUSHGATE_SERVICE_JAVA_OPTS", "").strip();
        if (!given.isEmpty()) {
            javaOptions.addAll(List.of(given.split("\\s+")));
        }
        return new LauncherSettings(
                home,
                delivery,
                tenant,
                portal,
                external,
                keyset,
                publicBaseUrl,
                issuer,
                Boolean.parseBoolean(secure),
                instances,
                sandboxMessages,
                sandboxMegabytes,
                startSeconds,
                List.copyOf(javaOptions));
    }

    /** Accepts {@code postgresql://}, {@code postgres://} and {@code jdbc:postgresql://} URLs. */
    static String normalizedDatabaseUrl(String url) {
        String normalized = url;
        if (normalized.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            normalized = normalized.substring("jdbc:".length());
        }
        if (normalized.startsWith("postgres://")) {
            normalized = "postgresql://" + normalized.substring("postgres://".length());
        }
        if (!POSTGRESQL_URL.matcher(normalized).matches()) {
            throw new LaunchException("PUSHGATE_DB_URL must look like postgresql://host:5432/database, not "
                    + normalized.replaceFirst("//[^/@]*@", "//"));
        }
        return normalized;
    }

    private static int number(Map<String, String> environment, String variable, int defaultValue, int min, int max) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new LaunchException(
                variable + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static int port(Map<String, String> environment, String variable, int defaultPort) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new LaunchException(variable + " must be a port number from 1 to 65535, not '" + value + "'");
    }
}
