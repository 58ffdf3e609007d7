package io.pushgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart in {@code infra/deploy/helm/pushgate}, rendered by Helm and loaded into the
 * Kubernetes models, passes every {@link ManifestChecks} check with its own values and with the
 * variants an operator sets; and each check finds the fault it exists for when a manifest has it.
 */
class ChartTests {

    private static final Map<String, ServiceFacts> SERVICES = Map.of(
            "tenant-service", ServiceFacts.load("tenant-service", "tenant-service"),
            "delivery-service", ServiceFacts.load("delivery-service", "delivery-service"),
            "web-portal", ServiceFacts.load("web-portal", "web-portal"));

    @Test
    void rendersWithItsOwnValuesIntoManifestsWithoutAProblem() {
        RenderedChart chart = RenderedChart.render(Map.of());

        assertThat(new ManifestChecks(SERVICES, declaredSecrets(Map.of())).all(chart))
                .isEmpty();
        assertThat(chart.deployments())
                .extracting(deployment -> deployment.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "pushgate-tenant-service", "pushgate-delivery-service", "pushgate-web-portal");
        assertThat(chart.all(Service.class)).hasSize(3);
        assertThat(chart.all(PodDisruptionBudget.class)).hasSize(3);
        assertThat(chart.all(NetworkPolicy.class)).hasSize(3);
        HorizontalPodAutoscaler autoscaler =
                chart.all(HorizontalPodAutoscaler.class).get(0);
        assertThat(autoscaler.getSpec().getMetrics())
                .extracting(metric -> metric.getType())
                .containsExactly("Resource", "Pods");
        assertThat(autoscaler
                        .getSpec()
                        .getMetrics()
                        .get(1)
                        .getPods()
                        .getMetric()
                        .getName())
                .isEqualTo("pushgate_notifications_oldest_unfinished_age_seconds");
        assertThat(chart.yaml()).doesNotContain("kind: Secret");
    }

    @Test
    void rendersTheOperatorsVariantsWithoutAProblem() {
        for (Map<String, String> variant : List.of(
                Map.of("deliveryService.autoscaling.enabled", "false"),
                Map.of("deliveryService.autoscaling.oldestUnfinishedAgeSeconds", "0"),
                Map.of(
                        "database.directUrl",
                        "postgresql://postgres.example.internal:5432/pushgate",
                        "database.url",
                        "postgresql://pgbouncer.example.internal:6432/pushgate"),
                Map.of("sandbox.fcmUrl", "http://fcm-emulator:9090", "sandbox.existingSecret", "pushgate-sandbox"),
                Map.of("redis.enabled", "true"),
                Map.of("redis.enabled", "true", "redis.existingSecret", "pushgate-redis"),
                Map.of("networkPolicy.enabled", "true", "deliveryService.env.PUSHGATE_INBOX_LEASE", "20s"))) {
            RenderedChart chart = RenderedChart.render(variant);
            assertThat(new ManifestChecks(SERVICES, declaredSecrets(variant)).all(chart))
                    .as("with " + variant)
                    .isEmpty();
        }
    }

    @Test
    void theLISTENConnectionAndTheMigrationsGoPastAPooler() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "database.url", "postgresql://pgbouncer:6432/pushgate",
                "database.directUrl", "postgresql://postgres:5432/pushgate"));

        for (String service : List.of("tenant-service", "delivery-service")) {
            Container container = container(chart, service);
            assertThat(value(container, "PUSHGATE_DB_URL")).isEqualTo("postgresql://pgbouncer:6432/pushgate");
            assertThat(value(container, "PUSHGATE_DB_DIRECT_URL")).isEqualTo("postgresql://postgres:5432/pushgate");
        }
    }

    /** Spring Boot's own handling would believe any peer (and refuses to start beside pushgate.trusted-proxies). */
    @Test
    void theServicesBelieveForwardedHeadersOnlyFromTheTrustedProxies() {
        RenderedChart chart = RenderedChart.render(Map.of("trustedProxies", "10.42.0.0/16"));

        for (String service : List.of("tenant-service", "delivery-service", "web-portal")) {
            Container container = container(chart, service);
            assertThat(value(container, "PUSHGATE_TRUSTED_PROXIES")).isEqualTo("10.42.0.0/16");
            assertThat(container.getEnv())
                    .noneMatch(variable -> variable.getName().equals("SERVER_FORWARD_HEADERS_STRATEGY"));
        }
    }

    @Test
    void withoutRedisEachInstanceLimitsOnItsOwn() {
        RenderedChart chart = RenderedChart.render(Map.of());

        for (String service : List.of("tenant-service", "delivery-service")) {
            assertThat(container(chart, service).getEnv())
                    .noneMatch(variable -> variable.getName().startsWith("PUSHGATE_LIMITS_"));
        }
    }

    /** Both services share their limits in the one Redis, each sized by how many of it run. */
    @Test
    void theRedisBackendIsSetForBothServicesWithTheirInstanceCounts() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "redis.enabled", "true",
                "redis.url", "redis://redis.limits:6379/2",
                "tenantService.replicas", "2",
                "deliveryService.autoscaling.minReplicas", "4"));

        for (String service : List.of("tenant-service", "delivery-service")) {
            Container container = container(chart, service);
            assertThat(value(container, "PUSHGATE_LIMITS_BACKEND")).isEqualTo("redis");
            assertThat(value(container, "PUSHGATE_LIMITS_REDIS_URL")).isEqualTo("redis://redis.limits:6379/2");
        }
        assertThat(value(container(chart, "tenant-service"), "PUSHGATE_LIMITS_INSTANCES"))
                .isEqualTo("2");
        assertThat(value(container(chart, "delivery-service"), "PUSHGATE_LIMITS_INSTANCES"))
                .as("the fewest the autoscaler runs")
                .isEqualTo("4");
        RenderedChart fixed = RenderedChart.render(Map.of(
                "redis.enabled",
                "true",
                "deliveryService.autoscaling.enabled",
                "false",
                "deliveryService.replicas",
                "5"));
        assertThat(value(container(fixed, "delivery-service"), "PUSHGATE_LIMITS_INSTANCES"))
                .isEqualTo("5");
    }

    /** A password in the URL stays in the operator's Secret. */
    @Test
    void theRedisUrlComesFromTheSecretWhenOneIsNamed() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "redis.enabled", "true", "redis.existingSecret", "pushgate-redis", "redis.urlKey", "limits-url"));

        for (String service : List.of("tenant-service", "delivery-service")) {
            EnvVar url = container(chart, service).getEnv().stream()
                    .filter(variable -> variable.getName().equals("PUSHGATE_LIMITS_REDIS_URL"))
                    .findFirst()
                    .orElseThrow();
            assertThat(url.getValue()).isNull();
            assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("pushgate-redis");
            assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("limits-url");
        }
    }

    /** tenant-service asks delivery-service for the data plane's usage: its address and the policies' rules allow it. */
    @Test
    void tenantServiceReachesDeliveryServiceForThePlansUsage() {
        RenderedChart chart = RenderedChart.render(Map.of());

        assertThat(value(container(chart, "tenant-service"), "PUSHGATE_PLAN_DELIVERY_SERVICE_URL"))
                .isEqualTo("http://pushgate-delivery-service:8080");
        NetworkPolicy tenant = policy(chart, "tenant-service");
        assertThat(tenant.getSpec().getEgress())
                .as("tenant-service may reach delivery-service")
                .anyMatch(rule -> rule.getTo().stream().anyMatch(peer -> selects(peer, "delivery-service")));
        NetworkPolicy delivery = policy(chart, "delivery-service");
        assertThat(delivery.getSpec().getIngress().get(0).getFrom())
                .as("delivery-service lets tenant-service in")
                .anyMatch(peer -> selects(peer, "tenant-service"));
    }

    private static boolean selects(NetworkPolicyPeer peer, String service) {
        return peer.getPodSelector() != null
                && peer.getPodSelector().getMatchLabels() != null
                && service.equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component"));
    }

    /** tenant-service serves /actuator/prometheus (its limits' meters): its pods say so to Prometheus. */
    @Test
    void everyServiceServingPrometheusMetricsIsAnnotatedForScraping() {
        RenderedChart chart = RenderedChart.render(Map.of());

        Map<String, String> annotations = deployment(chart, "tenant-service")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations();
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat(checks().scraping(chart)).isEmpty();
    }

    @Test
    void findsAServiceWhoseMetricsAreNotScraped() {
        RenderedChart chart = RenderedChart.render(Map.of());
        deployment(chart, "tenant-service")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .put("prometheus.io/scrape", "false");

        assertThat(checks().scraping(chart))
                .containsExactly("Deployment pushgate-tenant-service: tenant-service serves /actuator/prometheus,"
                        + " but its pods are not annotated prometheus.io/scrape: \"true\"");
    }

    @Test
    void findsAScrapeOfAServiceWithoutMetrics() {
        RenderedChart chart = RenderedChart.render(Map.of());
        var metadata = deployment(chart, "web-portal").getSpec().getTemplate().getMetadata();
        if (metadata.getAnnotations() == null) {
            metadata.setAnnotations(new HashMap<>());
        }
        metadata.getAnnotations().put("prometheus.io/scrape", "true");

        assertThat(checks().scraping(chart))
                .anySatisfy(problem -> assertThat(problem).contains("serves no Prometheus metrics"));
    }

    @Test
    void refusesToRenderAGracePeriodThatAStoppingInstanceOutlasts() {
        assertThatThrownBy(() -> RenderedChart.render(Map.of("deliveryService.terminationGracePeriodSeconds", "20")))
                .hasMessageContaining("terminationGracePeriodSeconds must exceed preStopSeconds + stopTimeoutSeconds");
    }

    @Test
    void findsAFieldTheModelsDoNotKnow() {
        String yaml =
                RenderedChart.render(Map.of()).yaml().replace("readOnlyRootFilesystem:", "readOnlyRootFilesytem:");

        assertThat(checks().unknownFields(RenderedChart.of(yaml)))
                .anySatisfy(problem -> assertThat(problem).contains("readOnlyRootFilesytem"));
    }

    @Test
    void findsAnApiVersionNoLongerServed() {
        String yaml =
                RenderedChart.render(Map.of()).yaml().replace("apiVersion: policy/v1", "apiVersion: policy/v1beta1");

        assertThat(checks().apiVersions(RenderedChart.of(yaml)))
                .anySatisfy(problem -> assertThat(problem).contains("policy/v1beta1 is not served"));
    }

    @Test
    void findsAServiceWhoseSelectorMatchesNoPod() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Service service = chart.all(Service.class).get(0);
        service.getSpec().getSelector().put("app.kubernetes.io/component", "delivery");

        assertThat(checks().selectors(chart))
                .anySatisfy(problem -> assertThat(problem).contains("matches no pod"));
    }

    @Test
    void findsAProbeOnAPathTheServiceDoesNotServe() {
        RenderedChart chart = RenderedChart.render(Map.of());
        container(chart, "delivery-service").getReadinessProbe().getHttpGet().setPath("/actuator/health/ready");

        assertThat(checks().probes(chart))
                .anySatisfy(problem -> assertThat(problem).contains("/actuator/health/ready, which delivery-service"));
    }

    @Test
    void findsAnEnvVarThatBindsToNoProperty() {
        RenderedChart chart = RenderedChart.render(Map.of());
        container(chart, "delivery-service")
                .getEnv()
                .add(new EnvVarBuilder()
                        .withName("PUSHGATE_DISPATCH_STOP_TIMEOUTS")
                        .withValue("20s")
                        .build());

        assertThat(checks().environment(chart))
                .containsExactly("Deployment pushgate-delivery-service: PUSHGATE_DISPATCH_STOP_TIMEOUTS binds to no"
                        + " property of delivery-service");
    }

    @Test
    void findsAReferenceToASecretTheValuesDoNotName() {
        RenderedChart chart = RenderedChart.render(Map.of());
        EnvVar password = container(chart, "tenant-service").getEnv().stream()
                .filter(variable -> variable.getName().equals("PUSHGATE_DB_PASSWORD"))
                .findFirst()
                .orElseThrow();
        password.getValueFrom().getSecretKeyRef().setName("pushgate-db");

        assertThat(checks().secretReferences(chart))
                .anySatisfy(
                        problem -> assertThat(problem).contains("Secret 'pushgate-db', which the values do not name"));
    }

    @Test
    void findsAGracePeriodBelowThePausePlusTheStopTimeout() {
        RenderedChart chart = RenderedChart.render(Map.of());
        deployment(chart, "delivery-service").getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(25L);

        assertThat(checks().gracePeriods(chart))
                .containsExactly(
                        "Deployment pushgate-delivery-service: terminationGracePeriodSeconds 25 is not above the"
                                + " preStop pause (10 s) plus the stop timeout (15 s)");
    }

    @Test
    void findsALiteralSecret() {
        RenderedChart chart = RenderedChart.render(Map.of());
        EnvVar password = container(chart, "delivery-service").getEnv().stream()
                .filter(variable -> variable.getName().equals("PUSHGATE_DB_PASSWORD"))
                .findFirst()
                .orElseThrow();
        password.setValueFrom(null);
        password.setValue("hunter2");

        assertThat(checks().literalSecrets(chart))
                .containsExactly(
                        "Deployment pushgate-delivery-service: PUSHGATE_DB_PASSWORD is a literal secret: take it"
                                + " from a Secret");
    }

    @Test
    void findsEgressToTheCloudMetadataAddress() {
        RenderedChart chart = RenderedChart.render(Map.of());
        NetworkPolicy delivery = chart.all(NetworkPolicy.class).stream()
                .filter(policy -> policy.getMetadata().getName().equals("pushgate-delivery-service"))
                .findFirst()
                .orElseThrow();
        delivery.getSpec()
                .getEgress()
                .forEach(rule -> rule.getTo().forEach(peer -> {
                    if (peer.getIpBlock() != null) {
                        peer.getIpBlock().setExcept(List.of("10.0.0.0/8"));
                    }
                }));

        assertThat(checks().egress(chart))
                .anySatisfy(problem -> assertThat(problem).contains("reaches the cloud metadata address"));
    }

    private static ManifestChecks checks() {
        return new ManifestChecks(SERVICES, declaredSecrets(Map.of()));
    }

    /** The Secrets (and their keys) the values name: the only ones the manifests may refer to. */
    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> declaredSecrets(Map<String, String> overrides) {
        Map<String, Object> values;
        try (InputStream file = Files.newInputStream(RenderedChart.CHART.resolve("values.yaml"))) {
            values = new Yaml().load(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Set<String>> secrets = new HashMap<>();
        for (var declaration : List.of(
                List.of("database", "existingSecret", "userKey", "passwordKey"),
                List.of("keyset", "existingSecret", "key"),
                List.of("sandbox", "existingSecret", "tokenKey"),
                List.of("redis", "existingSecret", "urlKey"))) {
            Map<String, Object> section = (Map<String, Object>) values.get(declaration.get(0));
            String name = overrides.getOrDefault(
                    declaration.get(0) + ".existingSecret", String.valueOf(section.get("existingSecret")));
            if (name.isBlank()) {
                continue;
            }
            Set<String> keys = new java.util.HashSet<>();
            for (String key : declaration.subList(2, declaration.size())) {
                keys.add(overrides.getOrDefault(declaration.get(0) + "." + key, String.valueOf(section.get(key))));
            }
            secrets.merge(name, keys, (a, b) -> {
                Set<String> both = new java.util.HashSet<>(a);
                both.addAll(b);
                return both;
            });
        }
        return secrets;
    }

    private static Deployment deployment(RenderedChart chart, String service) {
        return chart.deployments().stream()
                .filter(deployment -> deployment.getMetadata().getName().equals("pushgate-" + service))
                .findFirst()
                .orElseThrow();
    }

    private static NetworkPolicy policy(RenderedChart chart, String service) {
        return chart.all(NetworkPolicy.class).stream()
                .filter(policy -> policy.getMetadata().getName().equals("pushgate-" + service))
                .findFirst()
                .orElseThrow();
    }

    private static Container container(RenderedChart chart, String service) {
        return deployment(chart, service)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static String value(Container container, String name) {
        return container.getEnv().stream()
                .filter(variable -> variable.getName().equals(name))
                .findFirst()
                .map(EnvVar::getValue)
                .orElseThrow();
    }
}
