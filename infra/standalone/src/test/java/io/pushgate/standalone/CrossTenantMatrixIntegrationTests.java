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
 * <p>The inputs beside the path ({@link Inputs}): every query parameter and every request body
 * field that the documents show to be an id (named {@code id}, {@code …Id}, {@code format: uuid})
 * or a page's {@code cursor} is sent, on A's own resource (the path filled with A's ids) and with
 * the rest of the body A's own, with each of B's values of its kind (every kind when the name says
 * none) — B's configuration as {@code configurationId}, a {@code nextCursor} that B's lists gave, B's
 * credential as a configuration's default… — and with a value of the same shape that exists nowhere.
 * B's value must answer what the value that exists nowhere answers: the same status, a refusal byte
 * for byte but for the value and the {@code instance} (400 {@code invalid-field} or 404, so that a
 * refusal tells nothing of whether B has it), a read the same JSON shape (the same number of items:
 * an empty page, never B's rows). The one other answer allowed is a 409 for a name that is unique
 * across tenants (an AXP Configuration Id), which must then be exactly the 409 that A's own value
 * gets: "taken", never by whom. B's cursors are refused as damaged ones are (cursors are bound to
 * their tenant), and every rule above (no 5xx, problem+json, none of B's data, B's rows unchanged)
 * holds here too.
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

        // a second page in each of B's lists of deliveries, so that each gives B a nextCursor to attack A's with
        secondPages(api, b);

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
        assertThat(before.get("delivery.notification")).hasSize(2); // secondPages

        List<String> failures = new ArrayList<>();
        long pathsStarted = System.nanoTime();
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

        long inputsStarted = System.nanoTime();
        Inputs inputs = new Inputs(api, a, b, endpoints, bsData, failures);
        inputs.run();
        long inputsEnded = System.nanoTime();
        // the inputs' attacks were generated from both documents: delivery-service's query parameters
        // (configurationId, cursor…) and bodies, tenant-service's lists and bodies (a configuration's
        // default credentials); and B's lists gave cursors of every format (members and the audit log,
        // notifications, refused callbacks and sandbox messages)
        for (String site : List.of(
                "GET /v1/notifications query configurationId",
                "GET /v1/notifications query cursor",
                "GET /v1/stats/series query configurationId",
                "GET /v1/configurations/{id}/refused-callbacks query cursor",
                "GET /v1/sandbox/messages query cursor",
                "GET /v1/members query cursor",
                "GET /v1/audit-events query cursor",
                "PATCH /v1/configurations/{id} body defaultCredentials.android",
                "PUT /v1/device-registrations/{deviceToken} body configId")) {
            if (!inputs.reached.containsKey(site)) {
                failures.add("the inputs' matrix did not attack " + site + ": is it in its OpenAPI document?");
            }
        }
        if (inputs.cursors < 5) {
            failures.add("B's lists gave " + inputs.cursors + " cursors, not one of each of the 5 formats");
        }

        Map<String, List<String>> after = TenantRows.snapshot(platform.database, b.tenantId);
        System.out.printf(
                "cross-tenant matrix, inputs: %d query parameters and %d body fields that are ids or cursors,"
                        + " %d cases (%d requests) with %d of B's cursors; A's answers to B's values by status %s;"
                        + " %d failures; the paths took %d s, the inputs %d s%n",
                inputs.queryParameters,
                inputs.bodyFields,
                inputs.cases,
                inputs.requests,
                inputs.cursors,
                inputs.statuses,
                failures.size(),
                java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(inputsStarted - pathsStarted),
                java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(inputsEnded - inputsStarted));
        inputs.reached.forEach((site, answers) -> System.out.println("  " + site + ": " + answers));
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

    /**
     * B's second notification (a test event, delivered through the sandbox: a second sandbox message)
     * and two refused callbacks (badly signed), all flushed before anyone snapshots B's rows: each of
     * those lists of B's then has a second page.
     */
    static void secondPages(ApiCalls api, DrillTenant b) {
        String t = "http://localhost:" + platform.tenantPort;
        String d = "http://localhost:" + platform.deliveryPort;
        String owner = b.tokens.get(CallerKind.OWNER);
        var event = api.json(
                        "POST",
                        t + "/v1/configurations/" + b.configurationId + "/test-events",
                        owner,
                        ApiCalls.map("sessionId", b.sessionId))
                .expect(201);
        api.raw(
                        "POST",
                        d + "/axp/callbacks/" + b.callbackKey,
                        "application/json",
                        event.field("body"),
                        "X-hmac",
                        event.field("signature"))
                .expect(202);
        for (int i = 0; i < 2; i++) {
            api.raw(
                            "POST",
                            d + "/axp/callbacks/" + b.callbackKey,
                            "application/json",
                            event.field("body"),
                            "X-hmac",
                            "0".repeat(64))
                    .expect(401);
        }
        DrillTenant.await(
                "B's second notification delivered",
                () -> api.json("GET", d + "/v1/notifications?status=delivered", owner, null)
                                .expect(200)
                                .json()
                                .get("items")
                                .size()
                        == 2);
        DrillTenant.await(
                "B's refused callbacks logged",
                () -> api.json("GET", d + "/v1/configurations/" + b.configurationId + "/refused-callbacks", owner, null)
                                .expect(200)
                                .json()
                                .get("items")
                                .size()
                        == 2);
        DrillTenant.await(
                "B's second callback counted in the secret usage",
                () -> api.json("GET", d + "/v1/configurations/" + b.configurationId + "/secret-usage", owner, null)
                                .expect(200)
                                .json()
                                .get("current")
                                .asLong()
                        == 2);
    }

    /**
     * The matrix of the inputs beside the path: each query parameter and body field of both
     * documents that is an id or a cursor, × each of B's values of its kind and a value of the same
     * shape that exists nowhere, × each kind of A's callers, on A's own resources.
     */
    static final class Inputs {

        /** The kinds of values the attacks use; a field's name (or its description) says its kind. */
        static final String CONFIGURATION = "configuration";

        static final String AXP_CONFIGURATION_ID = "AXP configuration id";
        static final String CREDENTIAL = "credential";
        static final String MEMBER = "member";
        static final String APP_CLIENT = "app client";
        static final String TRUSTED_ISSUER = "trusted issuer";
        static final String NOTIFICATION = "notification";
        static final String TENANT = "tenant";
        static final String DEVICE_TOKEN = "device token";
        static final String SESSION = "session";
        static final String CUSTOMER = "customer";
        static final String EVENT = "event";
        static final String CALLBACK_KEY = "callback key";
        static final String CURSOR = "cursor";

        /** A kind and the words of a name or a description that say it, in the order they are tried. */
        static final List<List<String>> KINDS = List.of(
                List.of(CURSOR, "cursor"),
                List.of(AXP_CONFIGURATION_ID, "axpconfiguration"),
                List.of(CONFIGURATION, "configuration"),
                List.of(CREDENTIAL, "credential"),
                List.of(MEMBER, "member"),
                List.of(APP_CLIENT, "client"),
                List.of(TRUSTED_ISSUER, "issuer"),
                List.of(NOTIFICATION, "notification"),
                List.of(TENANT, "tenant"),
                List.of(DEVICE_TOKEN, "devicetoken"),
                List.of(SESSION, "session"),
                List.of(CUSTOMER, "customer"),
                List.of(EVENT, "event"),
                List.of(CALLBACK_KEY, "callbackkey"));

        final ApiCalls api;
        final DrillTenant a;
        final DrillTenant b;
        final List<Endpoint> endpoints;
        final List<String> bsData;
        final List<String> failures;
        final Map<String, List<String>> own;
        final Map<String, List<String>> theirs;
        final Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        /** Per attacked input, A's owner's answers: B's value → the value that exists nowhere. */
        final Map<String, java.util.Set<String>> reached = new java.util.TreeMap<>();

        int queryParameters;
        int bodyFields;
        int cases;
        int requests;
        int cursors;

        Inputs(
                ApiCalls api,
                DrillTenant a,
                DrillTenant b,
                List<Endpoint> endpoints,
                List<String> bsData,
                List<String> failures) {
            this.api = api;
            this.a = a;
            this.b = b;
            this.endpoints = endpoints;
            this.bsData = bsData;
            this.failures = failures;
            this.own = values(api, a);
            this.theirs = values(api, b);
            // a value A has taken of a name unique across tenants, on another of A's configurations than
            // the one the attacks change: the 409 that B's value may get must be this one's
            String taken = "axp-2-" + a.marker;
            api.json(
                            "POST",
                            "http://localhost:" + platform.tenantPort + "/v1/configurations",
                            a.tokens.get(CallerKind.OWNER),
                            ApiCalls.map("name", "second configuration " + a.marker, "axpConfigurationId", taken))
                    .expect(201);
            own.put(AXP_CONFIGURATION_ID, List.of(taken));
        }

        /** A tenant's values by kind (its cursors are found later, from the documents' lists). */
        static Map<String, List<String>> values(ApiCalls api, DrillTenant t) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            values.put(CONFIGURATION, List.of(t.configurationId));
            values.put(AXP_CONFIGURATION_ID, List.of(t.axpConfigurationId));
            values.put(CREDENTIAL, List.of(t.credentialId));
            values.put(MEMBER, List.of(t.ownerMemberId, t.adminMemberId, t.viewerMemberId));
            values.put(APP_CLIENT, List.of(t.clientId));
            values.put(TRUSTED_ISSUER, List.of(t.issuerId));
            values.put(NOTIFICATION, List.of(t.notificationId));
            values.put(TENANT, List.of(t.tenantId.toString()));
            values.put(DEVICE_TOKEN, List.of(t.deviceToken));
            values.put(SESSION, List.of(t.sessionId));
            values.put(CUSTOMER, List.of("customer-" + t.marker));
            List<String> events = new ArrayList<>();
            api.json(
                            "GET",
                            "http://localhost:" + platform.deliveryPort + "/v1/notifications",
                            t.tokens.get(CallerKind.OWNER),
                            null)
                    .expect(200)
                    .json()
                    .get("items")
                    .forEach(item -> events.add(item.get("eventId").asString()));
            values.put(EVENT, List.copyOf(events));
            values.put(CALLBACK_KEY, List.of(t.callbackKey));
            return values;
        }

        /** One input that is an id: a query parameter, or a body field (its path in the body). */
        record Site(Endpoint endpoint, String where, List<String> path, String kind) {

            String name() {
                return endpoint.name() + " " + where + " " + String.join(".", path);
            }
        }

        void run() {
            cursors();
            List<Site> sites = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                if (PUBLIC.contains(endpoint.name()) || endpoint.path().startsWith("/axp/callbacks/")) {
                    continue;
                }
                for (JsonNode parameter : endpoint.operation().path("parameters")) {
                    JsonNode schema = resolve(endpoint.document(), parameter.path("schema"));
                    String name = parameter.path("name").asString();
                    if ("query".equals(parameter.path("in").asString()) && isId(name, schema)) {
                        sites.add(new Site(
                                endpoint, "query", List.of(name), kindOf(name, description(parameter, schema))));
                        queryParameters++;
                    }
                }
                if (endpoint.hasBody()) {
                    JsonNode schema = bodySchema(endpoint);
                    if (schema != null) {
                        for (List<String> field : idFields(endpoint.document(), schema, List.of(), 0)) {
                            JsonNode fieldSchema = fieldSchema(endpoint.document(), schema, field);
                            String name = field.get(field.size() - 1);
                            sites.add(new Site(
                                    endpoint, "body", field, kindOf(name, description(fieldSchema, fieldSchema))));
                            bodyFields++;
                        }
                    }
                }
            }
            // reads first: a change that an attack makes to A's own resources is undone after each
            // change's attacks (A's own body sent again), and a read never sees one
            sites.sort(java.util.Comparator.comparing(
                    site -> !site.endpoint().method().equals("get")));
            for (Site site : sites) {
                attack(site);
            }
        }

        /** B's cursors: a second page asked of each list of the documents (a GET with a cursor parameter). */
        private void cursors() {
            List<String> found = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                if (!endpoint.method().equals("get") || !hasQuery(endpoint, "cursor")) {
                    continue;
                }
                String path = fill(endpoint, theirs);
                if (path == null) {
                    failures.add(endpoint.name() + ": no value of B's fits its path; its cursor is not attacked");
                    continue;
                }
                String uri = endpoint.base() + path + (hasQuery(endpoint, "limit") ? "?limit=1" : "");
                ApiCalls.Exchange page = api.json("GET", uri, b.tokens.get(CallerKind.OWNER), null);
                JsonNode next = page.status() == 200 ? page.json().path("nextCursor") : null;
                if (next != null && next.isString()) {
                    found.add(next.asString());
                }
            }
            cursors = found.size();
            theirs.put(CURSOR, List.copyOf(found));
            bsData.addAll(found);
            own.put(CURSOR, List.of());
        }

        private void attack(Site site) {
            Endpoint endpoint = site.endpoint();
            String path = fill(endpoint, own);
            if (path == null) {
                failures.add(site.name() + ": no value of A's fits the path; the input is not attacked");
                return;
            }
            Object template = endpoint.hasBody() ? template(site, path) : null;
            List<String> values = new ArrayList<>();
            if (site.kind() == null) {
                theirs.forEach((kind, list) -> {
                    if (!kind.equals(CURSOR)) {
                        values.addAll(list);
                    }
                });
            } else {
                values.addAll(theirs.get(site.kind()));
            }
            String ownValue = site.kind() == null || own.get(site.kind()).isEmpty()
                    ? null
                    : own.get(site.kind()).get(0);
            boolean open = OPEN_REGISTRATION.matcher(endpoint.path()).find();
            boolean operator = endpoint.path().startsWith("/v1/operator/");
            for (CallerKind kind : CallerKind.values()) {
                String token = a.tokens.get(kind);
                for (String value : values) {
                    cases++;
                    requests += 2;
                    String nowhere = sameShape(value);
                    ApiCalls.Exchange foreign = send(site, path, template, token, value);
                    ApiCalls.Exchange unknown = send(site, path, template, token, nowhere);
                    statuses.merge(foreign.status(), 1, Integer::sum);
                    String what = site.name() + " as A's " + kind + " with B's "
                            + (site.kind() == null ? "value" : site.kind());
                    check(failures, new Case(what, kind, operator, open, null, false, true), foreign, bsData);
                    check(
                            failures,
                            new Case(what + " (exists nowhere)", kind, operator, open, null, false, true),
                            unknown,
                            bsData);
                    if (kind == CallerKind.OWNER) {
                        reached.computeIfAbsent(site.name(), key -> new java.util.TreeSet<>())
                                .add(foreign.status() + "→" + unknown.status());
                    }
                    if (kind == CallerKind.NONE && open) {
                        // open registration answers anyone by the configuration the body names, whoever's it is
                        continue;
                    }
                    if (alike(endpoint, foreign, value, unknown, nowhere)) {
                        continue;
                    }
                    if (foreign.status() == 409 && ownValue != null) {
                        requests++;
                        ApiCalls.Exchange taken = send(site, path, template, token, ownValue);
                        if (alike(endpoint, foreign, value, taken, ownValue)) {
                            continue;
                        }
                    }
                    failures.add(what + ": answered " + foreign.status() + " " + foreign.body() + " ("
                            + foreign.method() + " " + foreign.uri() + ") where a value that exists nowhere answered "
                            + unknown.status() + " " + unknown.body());
                }
            }
            if (!endpoint.method().equals("get")) {
                // what the attacks changed of A's own resource, back to A's own values
                send(site, path, template, a.tokens.get(CallerKind.OWNER), null);
            }
        }

        /**
         * A's own body (its values where a field names a resource), valid enough to reach the check of
         * whose resource the attacked field names: an optional field that the service refuses as A's
         * owner sends it (the 400's {@code field}) is left out, as a client would leave it out.
         */
        private Object template(Site site, String path) {
            Object body = Bodies.of(site.endpoint(), a);
            String attacked = String.join(".", site.path());
            for (int tries = 0; tries < 8 && body instanceof Map<?, ?>; tries++) {
                ApiCalls.Exchange answer = api.json(
                        site.endpoint().method().toUpperCase(Locale.ROOT),
                        site.endpoint().base() + path,
                        a.tokens.get(CallerKind.OWNER),
                        body);
                requests++;
                JsonNode field = answer.status() == 400 && answer.contentType().startsWith("application/problem+json")
                        ? answer.json().path("field")
                        : null;
                if (field != null && field.isString() && field.asString().equals(attacked)) {
                    // refused for the attacked field with A's own value: a rule between fields (exactly
                    // one of two): leave out another optional field that, left out, lets the body through
                    Object alone = withoutAnother(site, path, body);
                    if (alone == null) {
                        break;
                    }
                    body = alone;
                    continue;
                }
                if (field == null || !field.isString()) {
                    break;
                }
                Object without = without(body, List.of(field.asString().split("\\.")));
                if (without.equals(body)) {
                    break;
                }
                body = without;
            }
            return body;
        }

        /** {@code body} without one of its optional top-level fields (not the attacked one) that A's owner gets a non-400 for. */
        private Object withoutAnother(Site site, String path, Object body) {
            JsonNode required = bodySchema(site.endpoint()).path("required");
            for (Object name : ((Map<?, ?>) body).keySet()) {
                boolean isRequired = false;
                for (JsonNode one : required) {
                    isRequired |= one.asString().equals(name);
                }
                if (isRequired || name.equals(site.path().get(0))) {
                    continue;
                }
                Object without = without(body, List.of((String) name));
                requests++;
                ApiCalls.Exchange answer = api.json(
                        site.endpoint().method().toUpperCase(Locale.ROOT),
                        site.endpoint().base() + path,
                        a.tokens.get(CallerKind.OWNER),
                        without);
                if (answer.status() != 400) {
                    return without;
                }
            }
            return null;
        }

        /** {@code body} without the field at {@code path}. */
        @SuppressWarnings("unchecked")
        static Object without(Object body, List<String> path) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) body);
            if (path.size() == 1) {
                copy.remove(path.get(0));
            } else if (copy.get(path.get(0)) instanceof Map<?, ?> inner) {
                copy.put(path.get(0), without(inner, path.subList(1, path.size())));
            }
            return copy;
        }

        /** The request with {@code value} in the site's input ({@code null}: A's own request, nothing of B's). */
        private ApiCalls.Exchange send(Site site, String path, Object template, String token, String value) {
            Endpoint endpoint = site.endpoint();
            String uri = endpoint.base() + path;
            if (site.where().equals("query") && value != null) {
                uri += "?" + site.path().get(0) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            }
            String method = endpoint.method().toUpperCase(Locale.ROOT);
            if (!endpoint.hasBody()) {
                return api.send(method, uri, token, null, null);
            }
            Object body = template;
            if (site.where().equals("body") && value != null) {
                body = with(body, site.path(), value);
            }
            return api.json(method, uri, token, body);
        }

        /** Two answers that say the same: a refusal byte for byte (but for the value), a read the same shape. */
        static boolean alike(
                Endpoint endpoint, ApiCalls.Exchange x, String xValue, ApiCalls.Exchange y, String yValue) {
            if (x.status() != y.status()) {
                return false;
            }
            if (x.status() >= 400) {
                return normalized(x.body(), xValue).equals(normalized(y.body(), yValue));
            }
            // a change answers what it made (new ids, times); a read must show as many of the same things
            return !endpoint.method().equals("get") || shape(x.body()).equals(shape(y.body()));
        }

        /** A JSON answer with every value but its structure left out: keys, array lengths, value types. */
        static String shape(String body) {
            try {
                return shape(ApiCalls.JSON.readTree(body));
            } catch (RuntimeException notJson) {
                return body;
            }
        }

        private static String shape(JsonNode node) {
            if (node.isObject()) {
                java.util.TreeMap<String, String> fields = new java.util.TreeMap<>();
                node.properties().forEach(field -> fields.put(field.getKey(), shape(field.getValue())));
                return fields.toString();
            }
            if (node.isArray()) {
                List<String> items = new ArrayList<>();
                node.forEach(item -> items.add(shape(item)));
                return items.toString();
            }
            return node.getNodeType().toString();
        }

        /** The path with each variable filled with {@code values} of its kind (its name's, or its collection's). */
        static String fill(Endpoint endpoint, Map<String, List<String>> values) {
            Matcher matcher = Pattern.compile("([^/]*)/\\{([^}]+)}").matcher(endpoint.path());
            StringBuilder path = new StringBuilder();
            while (matcher.find()) {
                String kind = kindOf(matcher.group(2), null);
                if (kind == null) {
                    kind = kindOf(matcher.group(1), null);
                }
                if (kind == null || values.get(kind) == null || values.get(kind).isEmpty()) {
                    return null;
                }
                matcher.appendReplacement(
                        path,
                        Matcher.quoteReplacement(
                                matcher.group(1) + "/" + values.get(kind).get(0)));
            }
            matcher.appendTail(path);
            return path.toString();
        }

        /** The kind a name says (else its description), or {@code null}: any of B's values may fit. */
        static String kindOf(String name, String description) {
            String words = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
            if (words.length() > 2 && words.endsWith("id")) {
                words = words.substring(0, words.length() - 2);
            }
            if (words.equals("config")) {
                return AXP_CONFIGURATION_ID; // AXP's own name for it (configId)
            }
            for (String text : new String[] {words, description == null ? "" : description.toLowerCase(Locale.ROOT)}) {
                String squeezed = text.replaceAll("[^a-z]", "");
                for (List<String> kind : KINDS) {
                    for (String word : kind.subList(1, kind.size())) {
                        if (squeezed.contains(word)) {
                            return kind.get(0);
                        }
                    }
                }
            }
            return null;
        }

        /** An id by its name ({@code id}, {@code …Id}, {@code …_id}) or its schema ({@code format: uuid}), or a cursor. */
        static boolean isId(String name, JsonNode schema) {
            return name.equals("id")
                    || name.equals("cursor")
                    || name.matches(".*[a-z0-9]Id")
                    || name.endsWith("_id")
                    || "uuid".equals(schema.path("format").asString(""));
        }

        private static String description(JsonNode node, JsonNode schema) {
            String description = node.path("description").asString("");
            return description.isEmpty() ? schema.path("description").asString("") : description;
        }

        private static boolean hasQuery(Endpoint endpoint, String name) {
            for (JsonNode parameter : endpoint.operation().path("parameters")) {
                if ("query".equals(parameter.path("in").asString())
                        && name.equals(parameter.path("name").asString())) {
                    return true;
                }
            }
            return false;
        }

        private static JsonNode bodySchema(Endpoint endpoint) {
            JsonNode content = endpoint.operation().path("requestBody").path("content");
            JsonNode schema = content.path("application/json").path("schema");
            return schema.isMissingNode() ? null : resolve(endpoint.document(), schema);
        }

        static JsonNode resolve(JsonNode document, JsonNode schema) {
            while (schema.has("$ref")) {
                schema = document.at(schema.get("$ref").asString().substring(1));
            }
            return schema;
        }

        /** The paths of the body's string fields that are ids, nested objects included. */
        static List<List<String>> idFields(JsonNode document, JsonNode schema, List<String> at, int depth) {
            List<List<String>> fields = new ArrayList<>();
            schema = resolve(document, schema);
            if (depth > 4 || !schema.has("properties")) {
                return fields;
            }
            for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
                JsonNode value = resolve(document, property.getValue());
                List<String> path = new ArrayList<>(at);
                path.add(property.getKey());
                if (value.has("properties")) {
                    fields.addAll(idFields(document, value, path, depth + 1));
                } else if (isString(value) && isId(property.getKey(), value)) {
                    fields.add(List.copyOf(path));
                }
            }
            return fields;
        }

        /** {@code type: string}, or (OpenAPI 3.1) a list of types with {@code string} in it. */
        static boolean isString(JsonNode schema) {
            JsonNode type = schema.path("type");
            if (type.isArray()) {
                for (JsonNode one : type) {
                    if ("string".equals(one.asString())) {
                        return true;
                    }
                }
                return false;
            }
            return "string".equals(type.asString(""));
        }

        private static JsonNode fieldSchema(JsonNode document, JsonNode schema, List<String> path) {
            JsonNode field = resolve(document, schema);
            for (String name : path) {
                field = resolve(document, field.path("properties").path(name));
            }
            return field;
        }

        /** {@code body} with {@code value} at {@code path}. */
        @SuppressWarnings("unchecked")
        static Object with(Object body, List<String> path, String value) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) body);
            if (path.size() == 1) {
                copy.put(path.get(0), value);
            } else {
                Object inner = copy.get(path.get(0));
                copy.put(
                        path.get(0),
                        with(
                                inner instanceof Map<?, ?> ? inner : new LinkedHashMap<String, Object>(),
                                path.subList(1, path.size()),
                                value));
            }
            return copy;
        }

        /** A value of the same shape that exists nowhere: each letter and digit replaced by a random one of its class. */
        static String sameShape(String value) {
            java.util.Random random = new java.security.SecureRandom();
            StringBuilder nowhere = new StringBuilder(value.length());
            for (char c : value.toCharArray()) {
                if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                    nowhere.append("0123456789abcdef".charAt(random.nextInt(16)));
                } else if (c >= 'A' && c <= 'F') {
                    nowhere.append("0123456789ABCDEF".charAt(random.nextInt(16)));
                } else if (c >= 'a' && c <= 'z') {
                    nowhere.append((char) ('a' + random.nextInt(26)));
                } else if (c >= 'A' && c <= 'Z') {
                    nowhere.append((char) ('A' + random.nextInt(26)));
                } else {
                    nowhere.append(c);
                }
            }
            return nowhere.toString();
        }
    }

    /** How a request was made: which endpoint, which caller, with which id. */
    record Case(
            String what,
            CallerKind kind,
            boolean operator,
            boolean openRegistration,
            String foreignId,
            boolean malformedId,
            boolean ownConfigurationMayBeOpen) {

        Case(
                String what,
                CallerKind kind,
                boolean operator,
                boolean openRegistration,
                String foreignId,
                boolean malformedId) {
            this(what, kind, operator, openRegistration, foreignId, malformedId, false);
        }
    }

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
            // (and A's own configuration may be open: an attack's PATCH of it sets openRegistration)
            boolean allowed = c.openRegistration()
                    ? status == 400
                            || status == 401
                            || status == 404
                            || (c.ownConfigurationMayBeOpen() && status >= 200 && status < 300)
                    : status == 401;
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
