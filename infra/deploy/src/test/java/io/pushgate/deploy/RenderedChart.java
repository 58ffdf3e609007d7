package io.pushgate.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code helm template} makes of the chart in {@code infra/deploy/helm/pushgate}, rendered by
 * Helm itself (helm-java: Helm's Go code in a jar, no binary needed) and loaded into fabric8's
 * Kubernetes models.
 */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final Path CHART = Path.of(System.getProperty("pushgate.chart", "helm/pushgate"));
    static final String RELEASE = "pushgate";

    /** The chart with its own values and {@code overrides} ({@code --set key=value}). */
    static RenderedChart render(Map<String, String> overrides) {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace("pushgate");
        overrides.forEach(template::set);
        return of(template.call());
    }

    /** Loads rendered YAML (one or more documents) into the models. */
    static RenderedChart of(String yaml) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            boolean empty = document.lines()
                    .allMatch(line -> line.isBlank() || line.strip().startsWith("#"));
            if (!empty) {
                objects.add(serialization.unmarshal(document, HasMetadata.class));
            }
        }
        return new RenderedChart(yaml, List.copyOf(objects));
    }

    List<Deployment> deployments() {
        return objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .toList();
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
