package io.pushgate.standalone;

import io.pushgate.api.secret.KeysetEdits;
import io.pushgate.api.secret.KeysetEdits.Edited;
import io.pushgate.api.secret.SecretCipher.KeyIds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./pushgate keyset add|promote <keyId>|retire <keyId>|status [--file PATH] [--force]}: the
 * steps of a keyset rotation that edit the keyset file (docs/OPERATIONS.md, "Rotating the keyset").
 * The file is {@code --file}, else {@code PUSHGATE_KEYSET} when it names a file, else {@code
 * keyset.json} in {@code PUSHGATE_HOME}; it is replaced atomically and stays readable by its owner
 * only, so a service re-reading it never sees half a keyset. Prints key ids, never key material.
 *
 * <p>{@code retire} asks tenant-service ({@code GET /v1/operator/keyset}, with {@code
 * PUSHGATE_OPERATOR_TOKEN} at {@code PUSHGATE_TENANT_URL}, default {@code
 * http://localhost:$PUSHGATE_TENANT_PORT}) how many stored secrets the key still seals, and refuses
 * while any does, or while it cannot tell, unless {@code --force}.
 */
final class KeysetCommand {

    static final String USAGE = "usage: pushgate keyset add | promote <keyId> | retire <keyId> [--force] | status"
            + "  [--file PATH]   (see docs/OPERATIONS.md, Rotating the keyset)";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KeysetCommand() {}

    /** Runs it; answers the exit status (0 done, 1 refused or failed, 2 a usage error). */
    static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        List<String> words = new ArrayList<>();
        Path file = null;
        boolean force = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--file") && i + 1 < args.size()) {
                file = Path.of(args.get(++i));
            } else if (arg.equals("--force")) {
                force = true;
            } else if (arg.startsWith("--")) {
                err.println("pushgate keyset: unknown option '" + arg + "'");
                err.println(USAGE);
                return 2;
            } else {
                words.add(arg);
            }
        }
        if (words.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        if (file == null) {
            file = defaultFile(environment);
        }
        try {
            String json = read(file);
            switch (words.get(0)) {
                case "status" -> {
                    out.println(file + ": " + describe(KeysetEdits.keyIds(json)));
                    tenantService(environment).ifPresent(view -> printStored(view, out));
                    return 0;
                }
                case "add" -> {
                    Edited added = KeysetEdits.add(json);
                    write(file, added.json());
                    out.println("added key " + added.keyId() + " (not primary yet): " + describe(added.keyIds()));
                    out.println("next: once every instance logged 'keyset reloaded' with it,"
                            + " ./pushgate keyset promote " + added.keyId());
                    return 0;
                }
                case "promote" -> {
                    Edited promoted = KeysetEdits.promote(json, keyId(words));
                    write(file, promoted.json());
                    out.println("key " + promoted.keyId() + " is primary: " + describe(promoted.keyIds()));
                    out.println("next: once every instance reloaded it, POST /v1/operator/keyset:reseal");
                    return 0;
                }
                case "retire" -> {
                    long keyId = keyId(words);
                    Edited retired = KeysetEdits.retire(json, keyId);
                    String refusal = stillSealing(environment, keyId);
                    if (refusal != null && !force) {
                        err.println("pushgate keyset: not retiring key " + keyId + ": " + refusal
                                + " (--force retires it anyway; what it sealed would no longer open)");
                        return 1;
                    }
                    if (refusal != null) {
                        err.println("pushgate keyset: warning: " + refusal + "; retiring key " + keyId
                                + " anyway (--force)");
                    }
                    write(file, retired.json());
                    out.println("retired key " + keyId + ": " + describe(retired.keyIds()));
                    return 0;
                }
                default -> {
                    err.println("pushgate keyset: unknown step '" + words.get(0) + "'");
                    err.println(USAGE);
                    return 2;
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("pushgate keyset: " + e.getMessage());
            return 1;
        }
    }

    static Path defaultFile(Map<String, String> environment) {
        String keyset = environment.get("PUSHGATE_KEYSET");
        if (keyset != null && !keyset.isBlank() && !keyset.strip().startsWith("{")) {
            return Path.of(keyset.strip());
        }
        return Path.of(environment.getOrDefault("PUSHGATE_HOME", ".pushgate")).resolve(HomeSecrets.KEYSET_FILE);
    }

    private static long keyId(List<String> words) {
        if (words.size() < 2) {
            throw new IllegalArgumentException("name the key: " + words.get(0) + " <keyId> (./pushgate keyset status)");
        }
        try {
            return Long.parseLong(words.get(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a key id is a number, as status prints it, not '" + words.get(1) + "'");
        }
    }

    private static String describe(KeyIds keyIds) {
        return "keys " + keyIds.keyIds() + ", primary " + keyIds.primary();
    }

    /** Why {@code keyId} should not be retired yet, or null when tenant-service says nothing is sealed with it. */
    private static String stillSealing(Map<String, String> environment, long keyId) {
        if (!environment.containsKey("PUSHGATE_OPERATOR_TOKEN")) {
            return "cannot tell whether stored secrets are still sealed with it: PUSHGATE_OPERATOR_TOKEN is not set";
        }
        java.util.Optional<JsonNode> view = tenantService(environment);
        if (view.isEmpty()) {
            return "cannot tell whether stored secrets are still sealed with it: tenant-service did not answer";
        }
        for (JsonNode key : view.get().get("keys")) {
            if (key.get("keyId").asLong() == keyId && key.get("sealed").asLong() > 0) {
                return key.get("sealed").asLong() + " stored secrets are still sealed with it"
                        + " (POST /v1/operator/keyset:reseal first)";
            }
        }
        return null;
    }

    private static java.util.Optional<JsonNode> tenantService(Map<String, String> environment) {
        String token = environment.get("PUSHGATE_OPERATOR_TOKEN");
        if (token == null) {
            return java.util.Optional.empty();
        }
        String base = environment.getOrDefault(
                "PUSHGATE_TENANT_URL", "http://localhost:" + environment.getOrDefault("PUSHGATE_TENANT_PORT", "8081"));
        try {
            HttpResponse<String> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/operator/keyset"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? java.util.Optional.of(JSON.readTree(response.body()))
                    : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static void printStored(JsonNode view, PrintStream out) {
        out.println("stored secrets per key (tenant-service):");
        for (JsonNode key : view.get("keys")) {
            out.println("  " + key.get("keyId").asLong() + (key.get("primary").asBoolean() ? " primary " : "         ")
                    + key.get("sealed").asLong() + " sealed"
                    + (key.get("retirable").asBoolean() ? ", retirable" : ""));
        }
        for (JsonNode key : view.get("unknownKeys")) {
            out.println("  " + key.get("keyId").asLong() + " NOT IN THE KEYSET "
                    + key.get("sealed").asLong() + " sealed (they no longer open)");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the keyset " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Replaces {@code file} at once with a file of mode 0600 beside it, so a reader never sees half of it. */
    private static void write(Path file, String json) {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.deleteIfExists(next);
            Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(next, json, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the keyset " + file + " (" + e.getMessage() + ")");
        }
    }
}
