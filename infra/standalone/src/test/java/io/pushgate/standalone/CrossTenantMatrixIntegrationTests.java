package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.standalone.DrillTenant.CallerKind;
import io.pushgate.testkit.TestIssuer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18, drill 5 (attacks), the cross-tenant matrix: every endpoint of both services' OpenAPI
 * documents (read from the running services, so that a new endpoint is in the matrix without
 * editing this test) × every one of tenant B's ids in each path variable (and a random and some
 * malformed ids) × every kind of tenant A's callers (owner, admin, viewer, app client, trusted
 * issuer's token, none), with request bodies made from the documents' schemas and naming B's
 * resources where a field refers to one.
 *
 * <p>What each answer must be: without a credential, 401; with one of A's, for B's id exactly what
 * an id that exists nowhere answers (status, and the body byte for byte but for the id and the
 * problem's {@code instance}), which is a refusal (400, 403 or 404) and never a success; every
 * refusal problem+json; no answer shows any of B's ids, names or secrets that the request itself
 * did not carry; never a 5xx. The operator API refuses every tenant credential (401/403). And B's
 * rows in both schemas — every column of every row — are as they were before the matrix.
 *
 * <p>It lives in infra/standalone because only there do both services run together (one JVM, one
 * database), as they do in production: a path of delivery-service's reads what tenant-service
 * wrote, and B's state is read across both schemas at once.
 */
class CrossTenantMatrixIntegrationTests {

    static final String OPERATOR_TOKEN = "operator-" + DrillTenant.random(24);
    static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

    /** Endpoints every caller may call without a token (sign-up, sign-in, the token endpoint, metadata). */
    static final Set<String> PUBLIC = Set.of(
            "POST /v1/signup",
            "POST /v1/auth/login",
            "POST /v1/auth/refresh",
            "POST /v1/auth/logout",
            "POST /oauth2/token",
            "GET /oauth2/jwks",
            "GET /.well-known/oauth-authorization-server");

    /**
     * The registration API, which answers a caller without a token itself (open registration: 401 for
     * a configuration that is not open, 404 for what is not there, README "Open registration").
     */
    static final Pattern OPEN_REGISTRATION = Pattern.compile("/device-registrations[/:]");

    static PortalPlatform platform;
    static TestIssuer issuerA;
    static TestIssuer issuerB;

    @BeforeAll
    static void start() throws Exception {
        issuerA = TestIssuer.ec("https://idp-a.example.test");
        issuerB = TestIssuer.ec("https://idp-b.example.test");
        List<String> loopbackJwks = List.of("--pushgate.security.allow-loopback-jwks=true");
        List<String> tenant = new ArrayList<>(loopbackJwks);
        tenant.add("--pushgate.operator-token=" + OPERATOR_TOKEN);
        List<String> delivery = new ArrayList<>(loopbackJwks);
        // the matrix calls the registration API without a token thousands of times from one address
        delivery.add("--pushgate.registration.open-per-ip-limit=1000000");
        platform = PortalPlatform.start(Map.of("tenant-service", tenant, "delivery-service", delivery));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (issuerA != null) {
            issuerA.close();
        }
        if (issuerB != null) {
            issuerB.close();
        }
    }

    /** One endpoint of a service's OpenAPI document. */
    record Endpoint(String service, String base, String method, String path, JsonNode operation, JsonNode document) {

        String name() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }

        List<String> variables() {
            List<String> names = new ArrayList<>();
            Matcher matcher = Pattern.compile("\\{([^}]+)}").matcher(path);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }

        boolean hasBody() {
            return !method.equals("get") && !method.equals("delete");
        }
    }

    /** One of B's ids (or a stand-in), with a maker of ids of the same shape that exist nowhere. */
    record Id(String kind, String value, Supplier<String> nowhere) {}

    @Test
    void noTenantReadsOrChangesAnotherTenantsData() throws Exception {
        ApiCalls api = new ApiCalls();
        DrillTenant a = new DrillTenant(platform, api, OPERATOR_TOKEN, issuerA);
        DrillTenant b = new DrillTenant(platform, api, OPERATOR_TOKEN, issuerB);

        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.addAll(endpoints(api, "tenant-service", "http://localhost:" + platform.tenantPort));
        endpoints.addAll(endpoints(api, "delivery-service", "http://localhost:" + platform.deliveryPort));
        // both documents are there and list what each service is known to answer
        assertThat(endpoints.stream().map(Endpoint::name))
                .contains(
                        "GET /v1/configurations/{id}",
                        "DELETE /v1/members/{id}",
                        "PUT /v1/device-registrations/{deviceToken}",
                        "GET /v1/notifications/{id}",
                        "POST /v1/credentials/{id}:test");

        List<Id> ids = List.of(
                new Id(
                        "configuration",
                        b.configurationId,
                        () -> UUID.randomUUID().toString()),
                new Id("credential", b.credentialId, () -> UUID.randomUUID().toString()),
                new Id("owner member", b.ownerMemberId, () -> UUID.randomUUID().toString()),
                new Id("admin member", b.adminMemberId, () -> UUID.randomUUID().toString()),
                new Id(
                        "viewer member",
                        b.viewerMemberId,
                        () -> UUID.randomUUID().toString()),
                new Id("app client", b.clientId, () -> "pgc_" + DrillTenant.randomBase64(16)),
                new Id("trusted issuer", b.issuerId, () -> UUID.randomUUID().toString()),
                new Id("notification", b.notificationId, () -> UUID.randomUUID().toString()),
                new Id("tenant", b.tenantId.toString(), () -> UUID.randomUUID().toString()),
                new Id("device token", b.deviceToken, () -> "fcm-" + DrillTenant.random(30)),
                new Id("AXP configuration id", b.axpConfigurationId, () -> "axp-" + DrillTenant.random(6)),
                new Id("callback key", b.callbackKey, () -> DrillTenant.randomBase64(24)));
        List<String> malformed = List.of(
                "not-an-id",
                "0",
                "%2E%2E%2F%2E%2E",
                "'%20OR%201%3D1--",
                "x".repeat(600),
                "00000000-0000-0000-0000-000000000000");
        // what B has that A must never see (an id A sent in its own request excepted)
        List<String> bsData = new ArrayList<>(List.of(
                b.marker,
                b.tenantId.toString(),
                b.configurationId,
                b.credentialId,
                b.ownerMemberId,
                b.adminMemberId,
                b.viewerMemberId,
                b.clientId,
                b.issuerId,
                b.issuerAudience,
                b.notificationId,
                b.deviceToken,
                b.sessionId,
                b.axpConfigurationId,
                b.callbackKey));
        bsData.addAll(b.secrets);

        Map<String, List<String>> before = TenantRows.snapshot(platform.database, b.tenantId);
        assertThat(before.get("tenancy.member")).hasSize(3);
        assertThat(before.get("delivery.registration")).hasSize(1);
        assertThat(before.get("delivery.notification")).hasSize(1);

        List<String> failures = new ArrayList<>();
        int cases = 0;
        int requests = 0;
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        int tenantEndpoints = 0;
        int operatorEndpoints = 0;
        for (Endpoint endpoint : endpoints) {
            if (PUBLIC.contains(endpoint.name())) {
                continue;
            }
            boolean operator = endpoint.path().startsWith("/v1/operator/");
            boolean callback = endpoint.path().startsWith("/axp/callbacks/");
            if (callback) {
                // no credential of any tenant's opens it: its key and the HMAC are its authority, and a
                // refusal there is logged for the configuration's tenant (CallbackIngress' own tests)
                continue;
            }
            boolean open = OPEN_REGISTRATION.matcher(endpoint.path()).find();
            if (operator) {
                operatorEndpoints++;
            } else {
                tenantEndpoints++;
            }
            for (CallerKind kind : CallerKind.values()) {
                String token = a.tokens.get(kind);
                if (endpoint.variables().isEmpty()) {
                    cases++;
                    requests++;
                    Object body = endpoint.hasBody() ? Bodies.of(endpoint, b) : null;
                    ApiCalls.Exchange answer = send(api, endpoint, endpoint.path(), token, body);
                    statuses.merge(answer.status(), 1, Integer::sum);
                    check(
                            failures,
                            new Case(endpoint.name() + " as A's " + kind, kind, operator, open, null, false),
                            answer,
                            bsData);
                    continue;
                }
                for (Id id : ids) {
                    cases++;
                    requests += 2;
                    Object body = endpoint.hasBody() ? Bodies.of(endpoint, b) : null;
                    String nowhere = id.nowhere().get();
                    ApiCalls.Exchange foreign = send(api, endpoint, fill(endpoint, id.value()), token, body);
                    ApiCalls.Exchange unknown = send(api, endpoint, fill(endpoint, nowhere), token, body);
                    statuses.merge(foreign.status(), 1, Integer::sum);
                    String what = endpoint.name() + " as A's " + kind + " with B's " + id.kind();
                    check(failures, new Case(what, kind, operator, open, id.value(), false), foreign, bsData);
                    if (foreign.status() != unknown.status()
                            || !normalized(foreign.body(), id.value()).equals(normalized(unknown.body(), nowhere))) {
                        failures.add(what + ": answered " + foreign.status() + " " + foreign.body()
                                + " where an id that exists nowhere answered " + unknown.status() + " "
                                + unknown.body());
                    }
                }
                for (String bad : malformed) {
                    cases++;
                    requests++;
                    Object body = endpoint.hasBody() ? Bodies.of(endpoint, b) : null;
                    ApiCalls.Exchange answer = send(api, endpoint, fill(endpoint, bad), token, body);
                    statuses.merge(answer.status(), 1, Integer::sum);
                    check(
                            failures,
                            new Case(
                                    endpoint.name() + " as A's " + kind + " with a malformed id",
                                    kind,
                                    operator,
                                    open,
                                    null,
                                    true),
                            answer,
                            bsData);
                }
            }
        }

        Map<String, List<String>> after = TenantRows.snapshot(platform.database, b.tenantId);
        System.out.printf(
                "cross-tenant matrix: %d cases (%d requests) over %d tenant endpoints and %d operator endpoints"
                        + " of 2 OpenAPI documents, %d caller kinds, %d of B's id kinds + a random id of each"
                        + " + %d malformed; answers by status %s; %d failures; B's rows %s%n",
                cases,
                requests,
                tenantEndpoints,
                operatorEndpoints,
                CallerKind.values().length,
                ids.size(),
                malformed.size(),
                statuses,
                failures.size(),
                after.equals(before) ? "unchanged" : "CHANGED");
        assertThat(failures).as("cross-tenant matrix failures").isEmpty();
        assertThat(after).as("every row of tenant B's in both schemas").isEqualTo(before);
        // the matrix really went through A's callers: an owner's list still works and B's data is not in it
        assertThat(tenantEndpoints).isGreaterThan(30);
    }

    /** How a request was made: which endpoint, which caller, with which id. */
    record Case(
            String what,
            CallerKind kind,
            boolean operator,
            boolean openRegistration,
            String foreignId,
            boolean malformedId) {}

    /** What every answer must be, whatever the id. */
    private static void check(List<String> failures, Case c, ApiCalls.Exchange answer, List<String> bsData) {
        int status = answer.status();
        String what = c.what() + " (" + answer.method() + " " + answer.uri() + ")";
        if (status >= 500) {
            failures.add(what + ": " + status + " " + answer.body());
        }
        // a malformed path may be refused as such before anyone looks at the credential
        boolean refusedAsMalformed = c.malformedId() && status == 400;
        if (c.operator() && status != 401 && status != 403 && !refusedAsMalformed) {
            failures.add(what + ": the operator API answered a tenant's credential " + status + " " + answer.body());
        }
        if (c.kind() == CallerKind.NONE && !refusedAsMalformed) {
            // the registration API answers callers without a token itself: open registration (README)
            boolean allowed = c.openRegistration() ? status == 400 || status == 401 || status == 404 : status == 401;
            if (!allowed) {
                failures.add(what + ": without a credential " + status + " " + answer.body());
            }
        }
        if ((c.foreignId() != null || c.malformedId()) && status < 400) {
            failures.add(what + ": answered " + status + " " + answer.body());
        }
        if (status >= 400 && !answer.contentType().startsWith("application/problem+json")) {
            failures.add(what + ": a refusal " + status + " as '" + answer.contentType() + "': " + answer.body());
        }
        String shown = answer.body();
        for (String datum : bsData) {
            // what the request itself carried may be echoed (the problem's instance, a field's value)
            boolean carried = answer.uri().contains(datum)
                    || answer.uri().contains(URLEncoder.encode(datum, StandardCharsets.UTF_8))
                    || (answer.requestBody() != null && answer.requestBody().contains(datum));
            if (!carried && shown.contains(datum)) {
                failures.add(what + ": the answer shows B's " + datum + ": " + answer.body());
            }
        }
    }

    /** The answer without what differs by the id alone: the id itself and the problem's instance. */
    static String normalized(String body, String id) {
        return body.replace(id, "{id}")
                .replace(URLEncoder.encode(id, StandardCharsets.UTF_8), "{id}")
                .replaceAll("\"instance\"\\s*:\\s*\"[^\"]*\"", "\"instance\":\"…\"");
    }

    static String fill(Endpoint endpoint, String id) {
        return endpoint.path().replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(id));
    }

    private static ApiCalls.Exchange send(ApiCalls api, Endpoint endpoint, String path, String token, Object body) {
        String uri = endpoint.base() + path;
        String method = endpoint.method().toUpperCase(Locale.ROOT);
        if (endpoint.path().equals("/oauth2/token")) {
            return api.send(method, uri, token, "application/x-www-form-urlencoded", "grant_type=client_credentials");
        }
        return body == null && !endpoint.hasBody()
                ? api.send(method, uri, token, null, null)
                : api.json(method, uri, token, body == null ? Map.of() : body);
    }

    /** The endpoints of a service's OpenAPI document, read from the running service. */
    static List<Endpoint> endpoints(ApiCalls api, String service, String base) {
        JsonNode document =
                api.json("GET", base + "/v3/api-docs", null, null).expect(200).json();
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (METHODS.contains(operation.getKey())) {
                    endpoints.add(new Endpoint(
                            service, base, operation.getKey(), path.getKey(), operation.getValue(), document));
                }
            }
        }
        assertThat(endpoints).as(service + "'s OpenAPI document").isNotEmpty();
        return endpoints;
    }

    /**
     * Request bodies made from an operation's schema: every property, each a plausible value of its
     * type and format, and where a field names another resource, tenant B's (its configuration, its
     * credential, its AXP Configuration Id): the body is valid enough to reach the check of whose
     * resource it is.
     */
    static final class Bodies {

        static Object of(Endpoint endpoint, DrillTenant b) {
            JsonNode content = endpoint.operation().path("requestBody").path("content");
            JsonNode schema = content.path("application/json").path("schema");
            if (schema.isMissingNode() && content.size() > 0) {
                schema = content.properties().iterator().next().getValue().path("schema");
            }
            if (schema.isMissingNode()) {
                return Map.of();
            }
            return value(endpoint.document(), schema, "", b, 0);
        }

        static Object value(JsonNode document, JsonNode schema, String name, DrillTenant b, int depth) {
            if (schema.has("$ref")) {
                String ref = schema.get("$ref").asString();
                schema = document.at(ref.substring(1));
            }
            if (schema.has("oneOf")) {
                return value(document, schema.get("oneOf").get(0), name, b, depth);
            }
            if (schema.has("anyOf")) {
                return value(document, schema.get("anyOf").get(0), name, b, depth);
            }
            if (schema.has("allOf")) {
                Map<String, Object> merged = new LinkedHashMap<>();
                for (JsonNode part : schema.get("allOf")) {
                    if (value(document, part, name, b, depth) instanceof Map<?, ?> map) {
                        map.forEach((k, v) -> merged.put((String) k, v));
                    }
                }
                return merged;
            }
            if (schema.has("enum")) {
                return schema.get("enum").get(0).asString();
            }
            String type = schema.path("type").asString("object");
            if (schema.path("type").isArray()) {
                type = schema.get("type").get(0).asString();
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (type) {
                case "integer", "number":
                    return lower.contains("window") ? 600 : 1;
                case "boolean":
                    return true;
                case "array":
                    return depth > 4 ? List.of() : List.of(value(document, schema.path("items"), name, b, depth + 1));
                case "string":
                    return string(schema, lower, b);
                default:
                    Map<String, Object> object = new LinkedHashMap<>();
                    if (depth > 4) {
                        return object;
                    }
                    if (schema.has("properties")) {
                        for (Map.Entry<String, JsonNode> property :
                                schema.get("properties").properties()) {
                            object.put(
                                    property.getKey(),
                                    value(document, property.getValue(), property.getKey(), b, depth + 1));
                        }
                    }
                    return object;
            }
        }

        static String string(JsonNode schema, String name, DrillTenant b) {
            String format = schema.path("format").asString("");
            if (name.equals("android") || name.equals("ios") || name.contains("credential")) {
                return b.credentialId;
            }
            if (name.equals("configid") || name.contains("axpconfiguration")) {
                return b.axpConfigurationId;
            }
            if (name.contains("configuration") || name.equals("id")) {
                return b.configurationId;
            }
            if (name.contains("session")) {
                return b.sessionId;
            }
            if (name.contains("customer")) {
                return "customer-" + b.marker;
            }
            if (name.contains("devicetoken") || name.equals("token")) {
                return b.deviceToken;
            }
            if (name.contains("email") || format.equals("email")) {
                return "someone-" + UUID.randomUUID() + "@example.test";
            }
            if (name.contains("password")) {
                return "a long enough passphrase";
            }
            if (name.equals("issuer")) {
                return "https://idp-b.example.test";
            }
            if (name.contains("uri") || name.contains("url") || format.equals("uri")) {
                return "https://idp.example.test/jwks";
            }
            if (name.equals("audience")) {
                return b.issuerAudience;
            }
            if (name.equals("platform")) {
                return "android";
            }
            if (name.equals("provider")) {
                return "fcm";
            }
            if (name.equals("role")) {
                return "owner";
            }
            if (name.equals("type")) {
                return "sandbox";
            }
            if (name.contains("window") || format.equals("duration")) {
                return "PT10M";
            }
            if (format.equals("date-time")) {
                return Instant.now().toString();
            }
            if (format.equals("uuid")) {
                return b.configurationId;
            }
            return "value " + name;
        }
    }
}
