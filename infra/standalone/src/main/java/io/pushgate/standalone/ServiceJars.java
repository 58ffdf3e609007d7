package io.pushgate.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the services' executable jars are: {@code <module>/target/pushgate-<module>-<version>-exec.jar}
 * under the repository's root ({@code pushgate.root}, which {@code ./pushgate} sets; else the
 * working directory). {@code ./pushgate up} builds them with the launcher.
 */
record ServiceJars(Path root) {

    static ServiceJars fromSystemProperties() {
        return new ServiceJars(Path.of(System.getProperty("pushgate.root", ""))
                .toAbsolutePath()
                .normalize());
    }

    /** The newest executable jar of {@code module}. */
    Path find(String module) {
        Path target = root.resolve(module).resolve("target");
        Optional<Path> jar = Optional.empty();
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                jar = files.filter(file -> {
                            String name = file.getFileName().toString();
                            return name.startsWith("pushgate-" + module + "-") && name.endsWith("-exec.jar");
                        })
                        .max(Comparator.comparing(ServiceJars::modified));
            } catch (IOException e) {
                throw new LaunchException("cannot read " + target + ": " + e.getMessage(), e);
            }
        }
        return jar.orElseThrow(() -> new LaunchException("no executable jar of " + module + " in " + target
                + "; build it with ./mvnw -DskipTests package (./pushgate up does)"));
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
