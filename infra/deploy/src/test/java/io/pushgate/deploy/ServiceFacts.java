package io.pushgate.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one service serves and reads, from its own configuration file ({@code <service>.yml}) and the
 * property metadata on its class path: its port, the actuator paths it answers, the properties an
 * env var can bind to (Spring Boot's relaxed binding: {@code pushgate.db.direct-url} ←
 * {@code PUSHGATE_DB_DIRECTURL} or {@code PUSHGATE_DB_DIRECT_URL}), and how long it may take to stop.
 */
record ServiceFacts(
        String name,
        Map<String, Object> configuration,
        Set<String> environmentNames,
        Set<String> mapPrefixes,
        Set<String> servedPaths) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9_.\\-]+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Loads the facts of {@code name}; {@code module} tells its own metadata apart from the other
     * services' on this shared test class path (Spring Boot's own counts for every service).
     */
    static ServiceFacts load(String name, String module) {
        Map<String, Object> configuration = new java.util.HashMap<>();
        Set<String> properties = new TreeSet<>();
        try (InputStream yml = ServiceFacts.class.getClassLoader().getResourceAsStream(name + ".yml")) {
            if (yml == null) {
                throw new IllegalStateException(name + ".yml is not on the class path");
            }
            String text = new String(yml.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Map<String, Object> tree = new Yaml().load(text);
            flatten("", tree, configuration);
            properties.addAll(configuration.keySet());
            Matcher placeholder = PLACEHOLDER.matcher(text);
            while (placeholder.find()) {
                properties.add(placeholder.group(1));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<String> maps = new HashSet<>();
        try {
            for (String file : List.of(
                    "META-INF/spring-configuration-metadata.json",
                    "META-INF/additional-spring-configuration-metadata.json")) {
                for (URL url :
                        Collections.list(ServiceFacts.class.getClassLoader().getResources(file))) {
                    String where = url.toString();
                    boolean ours = where.contains("pushgate-") || where.contains("/target/classes/");
                    if (ours && !where.contains(module)) {
                        continue; // another service's properties
                    }
                    JsonNode metadata = JSON.readTree(url.openStream());
                    for (JsonNode property : metadata.path("properties")) {
                        String propertyName = property.path("name").asString();
                        properties.add(propertyName);
                        if (property.path("type").asString("").startsWith("java.util.Map")) {
                            maps.add(propertyName);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<String> environmentNames = new HashSet<>();
        for (String property : properties) {
            environmentNames.addAll(environmentNames(property));
        }
        Set<String> mapPrefixes = new HashSet<>();
        for (String map : maps) {
            mapPrefixes.addAll(environmentNames(map));
        }
        String base = String.valueOf(configuration.getOrDefault("management.endpoints.web.base-path", "/actuator"));
        Set<String> served = new TreeSet<>();
        String exposed = String.valueOf(configuration.get("management.endpoints.web.exposure.include"));
        if (List.of(exposed.split(",")).contains("prometheus")) {
            served.add(base + "/prometheus");
        }
        if (exposed.contains("health")) {
            served.add(base + "/health");
            if (Boolean.TRUE.equals(configuration.get("management.endpoint.health.probes.enabled"))) {
                served.add(base + "/health/liveness");
                served.add(base + "/health/readiness");
            }
            for (String key : configuration.keySet()) {
                Matcher group = Pattern.compile("management\\.endpoint\\.health\\.group\\.([a-z0-9-]+)\\..*")
                        .matcher(key);
                if (group.matches()) {
                    served.add(base + "/health/" + group.group(1));
                }
            }
        }
        return new ServiceFacts(name, Map.copyOf(configuration), environmentNames, mapPrefixes, served);
    }

    /** The env var names that bind to {@code property} (dashes removed, or, the legacy form, made underscores). */
    static Set<String> environmentNames(String property) {
        String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
        return new HashSet<>(List.of(upper.replace("-", ""), upper.replace('-', '_')));
    }

    boolean binds(String variable) {
        return environmentNames.contains(variable)
                || mapPrefixes.stream().anyMatch(prefix -> variable.startsWith(prefix + "_"));
    }

    /** The port it listens on with these env vars. */
    int port(Map<String, String> environment) {
        String port = environment.getOrDefault("SERVER_PORT", String.valueOf(configuration.get("server.port")));
        return Integer.parseInt(port);
    }

    /**
     * The longest it may take to stop after SIGTERM: delivery-service waits for its sends in flight up
     * to {@code pushgate.dispatch.stop-timeout}; a service without one, for its requests in flight up to
     * {@code spring.lifecycle.timeout-per-shutdown-phase} (Spring Boot's default 30 s).
     */
    Duration stopTimeout(Map<String, String> environment) {
        if (configuration.containsKey("pushgate.dispatch.stop-timeout")) {
            return DurationStyle.detectAndParse(environment.getOrDefault(
                    "PUSHGATE_DISPATCH_STOP_TIMEOUT",
                    String.valueOf(configuration.get("pushgate.dispatch.stop-timeout"))));
        }
        return DurationStyle.detectAndParse(environment.getOrDefault(
                "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE",
                String.valueOf(configuration.getOrDefault("spring.lifecycle.timeout-per-shutdown-phase", "30s"))));
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> into) {
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child) {
                flatten(name, (Map<String, Object>) child, into);
            } else {
                into.put(name, value);
            }
        });
    }
}
