package io.pushgate.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a rendered chart must not contain, each check answering the problems it found (empty: none):
 * fields the Kubernetes models do not know, API versions a current cluster does not serve, a Service
 * that selects no pod, probes on paths or ports the service does not serve, env vars that bind to no
 * property of the service, references to Secrets the values do not name, a grace period that a
 * stopping delivery-service can outlast, a literal secret, egress to the cloud metadata address, and
 * a service's Prometheus metrics that the scrape annotations leave out or look for elsewhere.
 */
final class ManifestChecks {

    /**
     * The kinds the chart may render and the API version each is served under by every Kubernetes
     * the chart supports (1.30 and newer): older versions (policy/v1beta1, autoscaling/v2beta2,
     * extensions/v1beta1 …) are no longer served.
     */
    static final Map<String, String> SERVED = Map.of(
            "Deployment", "apps/v1",
            "Service", "v1",
            "PodDisruptionBudget", "policy/v1",
            "HorizontalPodAutoscaler", "autoscaling/v2",
            "NetworkPolicy", "networking.k8s.io/v1");

    /** Env vars the JVM itself reads (not Spring properties). */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE).*");

    /** The cloud metadata address (AWS, GCP, Azure, OpenStack): never reachable from a pod of ours. */
    private static final String METADATA = "169.254.169.254";

    private final Map<String, ServiceFacts> services;
    /** Secret name → the keys the values name in it. */
    private final Map<String, Set<String>> declaredSecrets;

    ManifestChecks(Map<String, ServiceFacts> services, Map<String, Set<String>> declaredSecrets) {
        this.services = services;
        this.declaredSecrets = declaredSecrets;
    }

    List<String> all(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        problems.addAll(unknownFields(chart));
        problems.addAll(apiVersions(chart));
        problems.addAll(selectors(chart));
        problems.addAll(probes(chart));
        problems.addAll(environment(chart));
        problems.addAll(secretReferences(chart));
        problems.addAll(gracePeriods(chart));
        problems.addAll(literalSecrets(chart));
        problems.addAll(egress(chart));
        problems.addAll(scraping(chart));
        return problems;
    }

    /**
     * A service that serves {@code /actuator/prometheus} has its pods annotated {@code
     * prometheus.io/scrape: "true"} with that path and its port; one that does not, never "true".
     */
    List<String> scraping(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : chart.deployments()) {
            Map<String, String> annotations =
                    deployment.getSpec().getTemplate().getMetadata().getAnnotations();
            Map<String, String> scrape = annotations == null ? Map.of() : annotations;
            for (Container container : containers(deployment)) {
                ServiceFacts facts = services.get(container.getName());
                if (facts == null) {
                    continue;
                }
                String metrics = facts.servedPaths().stream()
                        .filter(path -> path.endsWith("/prometheus"))
                        .findFirst()
                        .orElse(null);
                boolean scraped = "true".equals(scrape.get("prometheus.io/scrape"));
                if (metrics == null) {
                    if (scraped) {
                        problems.add(name(deployment) + ": annotated for scraping, but " + container.getName()
                                + " serves no Prometheus metrics");
                    }
                    continue;
                }
                if (!scraped) {
                    problems.add(name(deployment) + ": " + container.getName() + " serves " + metrics
                            + ", but its pods are not annotated prometheus.io/scrape: \"true\"");
                    continue;
                }
                if (!metrics.equals(scrape.get("prometheus.io/path"))) {
                    problems.add(name(deployment) + ": prometheus.io/path is " + scrape.get("prometheus.io/path")
                            + ", not " + metrics);
                }
                String port = Integer.toString(facts.port(env(container)));
                if (!port.equals(scrape.get("prometheus.io/port"))) {
                    problems.add(name(deployment) + ": prometheus.io/port is " + scrape.get("prometheus.io/port")
                            + ", not " + container.getName() + "'s " + port);
                }
            }
        }
        return problems;
    }

    /** Fields the models do not know land in {@code additionalProperties}: a typo, or a field of another version. */
    List<String> unknownFields(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata object : chart.objects()) {
            walk(object, name(object), problems, new IdentityHashMap<>());
        }
        return problems;
    }

    private static void walk(Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, problems, seen));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !getter.getName().startsWith("get")) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String fieldName = Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            walk(field, path + "." + fieldName, problems, seen);
        }
    }

    List<String> apiVersions(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata object : chart.objects()) {
            String served = SERVED.get(object.getKind());
            if (object instanceof GenericKubernetesResource || served == null) {
                problems.add(name(object) + ": kind " + object.getApiVersion() + "/" + object.getKind()
                        + " is not one this chart may render");
            } else if (!served.equals(object.getApiVersion())) {
                problems.add(name(object) + ": " + object.getApiVersion() + " is not served by Kubernetes 1.30+; use "
                        + served);
            }
        }
        return problems;
    }

    List<String> selectors(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Service service : chart.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            boolean matches = selector != null
                    && !selector.isEmpty()
                    && chart.deployments().stream()
                            .anyMatch(deployment -> deployment
                                    .getSpec()
                                    .getTemplate()
                                    .getMetadata()
                                    .getLabels()
                                    .entrySet()
                                    .containsAll(selector.entrySet()));
            if (!matches) {
                problems.add(name(service) + ": its selector " + selector + " matches no pod");
            }
            for (var port : service.getSpec().getPorts()) {
                String target = port.getTargetPort() == null
                        ? null
                        : port.getTargetPort().getStrVal();
                if (target != null
                        && chart.deployments().stream()
                                .filter(deployment -> selector != null
                                        && deployment
                                                .getSpec()
                                                .getTemplate()
                                                .getMetadata()
                                                .getLabels()
                                                .entrySet()
                                                .containsAll(selector.entrySet()))
                                .flatMap(deployment -> containers(deployment).stream())
                                .flatMap(container -> container.getPorts().stream())
                                .noneMatch(containerPort -> target.equals(containerPort.getName()))) {
                    problems.add(name(service) + ": target port '" + target + "' is no port of its pods");
                }
            }
        }
        return problems;
    }

    List<String> probes(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : chart.deployments()) {
            for (Container container : containers(deployment)) {
                ServiceFacts facts = services.get(container.getName());
                if (facts == null) {
                    problems.add(name(deployment) + ": container " + container.getName() + " is no Pushgate service");
                    continue;
                }
                int port = facts.port(env(container));
                boolean exposed = container.getPorts().stream()
                        .anyMatch(p -> p.getContainerPort() == port && "http".equals(p.getName()));
                if (!exposed) {
                    problems.add(name(deployment) + ": " + container.getName() + " listens on " + port
                            + " but declares no port 'http' there");
                }
                for (var probe : Map.of(
                                "startupProbe", Optional.ofNullable(container.getStartupProbe()),
                                "livenessProbe", Optional.ofNullable(container.getLivenessProbe()),
                                "readinessProbe", Optional.ofNullable(container.getReadinessProbe()))
                        .entrySet()) {
                    if (probe.getValue().isEmpty()) {
                        problems.add(name(deployment) + ": " + container.getName() + " has no " + probe.getKey());
                        continue;
                    }
                    HTTPGetAction get = probe.getValue().map(Probe::getHttpGet).orElse(null);
                    if (get == null) {
                        problems.add(name(deployment) + ": " + probe.getKey() + " is not an HTTP GET");
                        continue;
                    }
                    if (!facts.servedPaths().contains(get.getPath())) {
                        problems.add(name(deployment) + ": " + probe.getKey() + " asks " + get.getPath() + ", which "
                                + container.getName() + " does not serve (it serves " + facts.servedPaths() + ")");
                    }
                    String probePort = get.getPort().getStrVal() != null
                            ? get.getPort().getStrVal()
                            : Integer.toString(get.getPort().getIntVal());
                    boolean portServed = container.getPorts().stream()
                            .anyMatch(p -> p.getContainerPort() == port
                                    && (probePort.equals(p.getName()) || probePort.equals(Integer.toString(port))));
                    if (!portServed) {
                        problems.add(name(deployment) + ": " + probe.getKey() + " asks port " + probePort + ", not "
                                + container.getName() + "'s " + port);
                    }
                }
            }
        }
        return problems;
    }

    List<String> environment(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : chart.deployments()) {
            for (Container container : containers(deployment)) {
                ServiceFacts facts = services.get(container.getName());
                if (facts == null) {
                    continue;
                }
                for (EnvVar variable : container.getEnv()) {
                    if (!JVM_VARIABLES.contains(variable.getName()) && !facts.binds(variable.getName())) {
                        problems.add(name(deployment) + ": " + variable.getName() + " binds to no property of "
                                + container.getName());
                    }
                }
            }
        }
        return problems;
    }

    List<String> secretReferences(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : chart.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                for (EnvVar variable : container.getEnv()) {
                    if (variable.getValueFrom() != null
                            && variable.getValueFrom().getSecretKeyRef() != null) {
                        var ref = variable.getValueFrom().getSecretKeyRef();
                        checkSecret(name(deployment) + " " + variable.getName(), ref.getName(), ref.getKey(), problems);
                    }
                }
                if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
                    problems.add(name(deployment) + ": envFrom takes a whole Secret or ConfigMap: name each variable");
                }
            }
            for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
                if (volume.getSecret() != null) {
                    var items = volume.getSecret().getItems();
                    if (items == null || items.isEmpty()) {
                        checkSecret(
                                name(deployment) + " volume " + volume.getName(),
                                volume.getSecret().getSecretName(),
                                null,
                                problems);
                    } else {
                        for (var item : items) {
                            checkSecret(
                                    name(deployment) + " volume " + volume.getName(),
                                    volume.getSecret().getSecretName(),
                                    item.getKey(),
                                    problems);
                        }
                    }
                }
            }
        }
        return problems;
    }

    private void checkSecret(String where, String secret, String key, List<String> problems) {
        Set<String> keys = declaredSecrets.get(secret);
        if (secret == null || secret.isBlank() || keys == null) {
            problems.add(where + ": refers to Secret '" + secret + "', which the values do not name");
        } else if (key != null && !keys.contains(key)) {
            problems.add(
                    where + ": refers to key '" + key + "' of Secret '" + secret + "', which the values do not name");
        }
    }

    /**
     * A stopping delivery-service pod first sleeps its preStop pause, then waits up to its stop timeout
     * for the sends in flight: the grace period must outlast both, or the kubelet kills it mid-send.
     */
    List<String> gracePeriods(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : chart.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            long grace = pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds();
            for (Container container : pod.getContainers()) {
                ServiceFacts facts = services.get(container.getName());
                if (facts == null) {
                    continue;
                }
                long pause = 0;
                if (container.getLifecycle() == null
                        || container.getLifecycle().getPreStop() == null
                        || container.getLifecycle().getPreStop().getSleep() == null) {
                    problems.add(name(deployment) + ": " + container.getName()
                            + " has no preStop pause: it would stop taking requests while load balancers still send");
                } else {
                    pause = container.getLifecycle().getPreStop().getSleep().getSeconds();
                }
                Duration stop = facts.stopTimeout(env(container));
                if (grace <= pause + stop.toSeconds()) {
                    problems.add(name(deployment) + ": terminationGracePeriodSeconds " + grace
                            + " is not above the preStop pause (" + pause + " s) plus the stop timeout ("
                            + stop.toSeconds() + " s)");
                }
            }
        }
        return problems;
    }

    List<String> literalSecrets(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata object : chart.objects()) {
            if ("Secret".equals(object.getKind()) || "ConfigMap".equals(object.getKind())) {
                problems.add(name(object) + ": the chart renders no Secret or ConfigMap; it reads existing Secrets");
            }
        }
        for (Deployment deployment : chart.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            for (Container container : pod.getContainers()) {
                for (EnvVar variable : container.getEnv()) {
                    if (variable.getValue() == null) {
                        continue;
                    }
                    if (SECRET_NAME.matcher(variable.getName()).matches()) {
                        problems.add(name(deployment) + ": " + variable.getName()
                                + " is a literal secret: take it from a Secret");
                    } else if (variable.getName().equals("PUSHGATE_KEYSET")
                            && !underSecretMount(pod, container, variable.getValue())) {
                        problems.add(name(deployment) + ": PUSHGATE_KEYSET must be the path of a mounted Secret, not "
                                + (variable.getValue().startsWith("/") ? variable.getValue() : "the keyset itself"));
                    }
                }
            }
        }
        return problems;
    }

    private static boolean underSecretMount(PodSpec pod, Container container, String path) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            boolean secret = pod.getVolumes().stream()
                    .anyMatch(volume -> volume.getName().equals(mount.getName()) && volume.getSecret() != null);
            if (secret && path.startsWith(mount.getMountPath() + "/")) {
                return true;
            }
        }
        return false;
    }

    /** Every pod is isolated both ways, and no egress rule reaches the cloud metadata address. */
    List<String> egress(RenderedChart chart) {
        List<String> problems = new ArrayList<>();
        List<NetworkPolicy> policies = chart.all(NetworkPolicy.class);
        for (Deployment deployment : chart.deployments()) {
            Map<String, String> labels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            boolean covered = policies.stream()
                    .anyMatch(policy -> labels.entrySet()
                                    .containsAll(policy.getSpec()
                                            .getPodSelector()
                                            .getMatchLabels()
                                            .entrySet())
                            && policy.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")));
            if (!covered) {
                problems.add(name(deployment) + ": no NetworkPolicy limits both its ingress and its egress");
            }
        }
        for (NetworkPolicy policy : policies) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    problems.add(name(policy) + ": an ingress rule from anywhere");
                }
            }
            for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                if (rule.getTo() == null || rule.getTo().isEmpty()) {
                    problems.add(name(policy) + ": an egress rule to anywhere");
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    IPBlock block = peer.getIpBlock();
                    if (block != null
                            && Cidr.parse(block.getCidr()).contains(METADATA)
                            && (block.getExcept() == null
                                    || block.getExcept().stream()
                                            .noneMatch(
                                                    except -> Cidr.parse(except).contains(METADATA)))) {
                        problems.add(name(policy) + ": egress to " + block.getCidr()
                                + " reaches the cloud metadata address " + METADATA);
                    }
                }
            }
        }
        return problems;
    }

    /** An IPv4 CIDR block. */
    record Cidr(long network, int prefix) {

        static Cidr parse(String cidr) {
            String[] parts = cidr.split("/");
            return new Cidr(address(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 32);
        }

        boolean contains(String ip) {
            long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            return (address(ip) & mask) == (network & mask);
        }

        private static long address(String ip) {
            long value = 0;
            for (String octet : ip.split("\\.")) {
                value = (value << 8) | Integer.parseInt(octet);
            }
            return value;
        }
    }

    private static List<Container> containers(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers();
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> values = new java.util.HashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                values.put(variable.getName(), variable.getValue());
            }
        }
        return values;
    }

    static String name(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }
}
