package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/** A jar of one class: a JVM to archive the classes of, in a second. */
final class SmallJar {

    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private SmallJar() {}

    /** Compiles and packs it into {@code folder}/hello.jar. */
    static Path in(Path folder) throws IOException {
        return of(folder, "Hello", "System.out.println(\"hello\");");
    }

    /** One that says "sleeping" and sleeps a minute (until stopped): {@code folder}/sleeper.jar. */
    static Path sleeping(Path folder) throws IOException {
        return of(folder, "Sleeper", "System.out.println(\"sleeping\"); System.out.flush(); Thread.sleep(60_000);");
    }

    /**
     * One that says "hello" after loading, without linking, a class that cannot be verified (it uses a
     * class missing from the jar), as a big application loads many (code for libraries it does not
     * have): a JVM writing a class-data archive at its exit warns about each such class.
     */
    static Path loadingAClassThatFailsVerification(Path folder) throws IOException {
        return of(
                folder,
                "Loader",
                "Class.forName(\"Later\", false, Loader.class.getClassLoader()); System.out.println(\"hello\");",
                "class Later { static Number widen(Missing m) { return m; } }\n"
                        + "abstract class Missing extends Number {}",
                "Missing.class");
    }

    private static Path of(Path folder, String name, String body) throws IOException {
        return of(folder, name, body, "", "");
    }

    /** Compiles {@code name} with {@code otherClasses} and packs every class but {@code leftOut}. */
    private static Path of(Path folder, String name, String body, String otherClasses, String leftOut)
            throws IOException {
        Path source = folder.resolve(name + ".java");
        Files.writeString(
                source,
                "public class " + name + " { public static void main(String[] a) throws Exception { " + body + " } }\n"
                        + otherClasses);
        assertThat(ToolProvider.getSystemJavaCompiler()
                        .run(null, null, null, "-d", folder.toString(), source.toString()))
                .isZero();
        Path jar = folder.resolve(name.toLowerCase(java.util.Locale.ROOT) + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                var classes = Files.newDirectoryStream(folder, "*.class")) {
            for (Path compiled : classes) {
                if (compiled.getFileName().toString().equals(leftOut)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(compiled.getFileName().toString()));
                out.write(Files.readAllBytes(compiled));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Runs {@code java arguments…} in {@code folder}; answers what it wrote (standard output and error). */
    static String output(Path folder, List<String> arguments) throws IOException, InterruptedException {
        Process process = start(folder, arguments);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    /** Runs {@code java arguments…} in {@code folder}; answers its exit status. */
    static int java(Path folder, List<String> arguments) throws IOException, InterruptedException {
        Process process = start(folder, arguments);
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor();
    }

    private static Process start(Path folder, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        return process;
    }
}
