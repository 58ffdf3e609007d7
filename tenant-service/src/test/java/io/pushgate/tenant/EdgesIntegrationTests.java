package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Oversized bodies, the OpenAPI document and Swagger UI. */
@ControlPlaneTest
class EdgesIntegrationTests {

    @Autowired
    Api api;

    /** With the JDK client: the server closes the connection, which must not reach the shared WebTestClient pool. */
    @Test
    void anOversizedBodyIs413() {
        Api.Tenant tenant = api.tenant();
        RawHttp http = new RawHttp(api.port());
        String huge = "x".repeat(70 * 1024);
        RawHttp.Answer answer = http.send(
                "POST",
                "/v1/credentials",
                tenant.token(),
                Map.of("type", "fcm", "name", "big", "serviceAccountJson", huge));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("type").asString()).isEqualTo("https://pushgate.io/problems/payload-too-large");
        assertThat(http.send("POST", "/v1/signup", null, Map.of("tenantName", huge, "email", "x@y.z", "password", huge))
                        .status())
                .isEqualTo(413);
        RawHttp.Answer form =
                http.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded", "grant_type=" + huge);
        assertThat(form.status()).isEqualTo(413);
        // the service goes on answering
        api.get(tenant.token(), "/v1/configurations").expectStatus().isOk();
    }

    /**
     * A body or a query parameter that cannot even be read into the endpoint's arguments is a 400
     * like every other: the field named when there is one, the project's problem type, no value echoed.
     */
    @Test
    void aFieldOrParameterOfTheWrongTypeIsA400NamingIt() {
        Api.Tenant tenant = api.tenant();
        assertInvalidField(
                api.post(tenant.token(), "/v1/configurations", Map.of("name", java.util.List.of("x"))), "name");
        assertInvalidField(
                api.post(
                        tenant.token(),
                        "/v1/credentials",
                        Map.of("type", "fcm", "name", "Android", "serviceAccountJson", Map.of("project_id", "p"))),
                "serviceAccountJson");
        assertInvalidField(
                api.post(null, "/v1/signup", Map.of("tenantName", Map.of(), "email", "a@b.test", "password", "x")),
                "tenantName");
        assertInvalidField(api.get(tenant.token(), "/v1/configurations?limit=many"), "limit");
        JsonNode problem = assertInvalidField(
                api.post(tenant.token(), "/v1/app-clients", Map.of("name", Map.of("secret", "s3cr3t-value"))), "name");
        assertThat(problem.toString()).doesNotContain("s3cr3t-value");

        for (String body : new String[] {"{not json", "[1, 2]", ""}) {
            JsonNode malformed = Api.json(
                    api.http
                            .post()
                            .uri("/v1/configurations")
                            .headers(headers -> headers.setBearerAuth(tenant.token()))
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(body)
                            .exchange(),
                    400);
            assertThat(malformed.get("type").asString())
                    .as("body %s", body)
                    .isEqualTo("https://pushgate.io/problems/malformed-request");
        }
    }

    private static JsonNode assertInvalidField(
            org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec answer, String field) {
        answer.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = Api.json(answer, 400);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
        assertThat(problem.get("field").asString()).isEqualTo(field);
        return problem;
    }

    /**
     * A request refused before its body is read (no token), its body sent a moment after its headers
     * as a client may: the server skips the unread body, so the same keep-alive connection serves the
     * client's next request (apps reuse their connections).
     */
    @Test
    void aConnectionCarriesOnAfterARefusedRequestWithABody() throws Exception {
        String json = "{\"name\":\"" + "x".repeat(4000) + "\"}";
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /v1/configurations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + json.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write(json.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 401");

            out.write("GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        }
    }

    /**
     * A path no endpoint serves, that the security chain lets through (a signed-in member's {@code GET}
     * under {@code /v1}, Swagger UI's files), is a 404 {@code not-found} problem like every other
     * refusal; it was WebFlux's own problem, with no {@code type}.
     */
    @Test
    void aPathNoEndpointServesIsA404Problem() {
        Api.Tenant tenant = api.tenant();
        for (String path : new String[] {"/v1/nothing", "/v1/configurations/x/nothing", "/swagger-ui/nothing.js"}) {
            var answer = api.get(tenant.token(), path);
            answer.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
            JsonNode problem = Api.json(answer, 404);
            assertThat(problem.path("type").asString("")).as(path).isEqualTo("https://pushgate.io/problems/not-found");
            assertThat(problem.get("title").asString()).as(path).isEqualTo("No such resource");
        }
        // without a token, a path the chain does not list is denied before any route: its 401 problem
        var anonymous = api.get(null, "/nothing");
        anonymous.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Api.json(anonymous, 401).get("type").asString())
                .isEqualTo("https://pushgate.io/problems/unauthenticated");
    }

    /** One HTTP/1.1 response with a Content-Length body: its head and body as text. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed after: " + head);
            }
            head.append((char) b);
        }
        var length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
    }

    /**
     * The API document lists what a client sends: a list's query parameters, and never the caller,
     * which the service resolves from the bearer token.
     */
    @Test
    void theApiDocumentListsWhatAClientSendsAndNotTheResolvedCaller() {
        JsonNode paths = Api.json(api.get(null, "/v3/api-docs"), 200).get("paths");
        List<String> listParameters = new ArrayList<>();
        paths.get("/v1/configurations")
                .get("get")
                .get("parameters")
                .forEach(parameter -> listParameters.add(parameter.get("in").asString() + " "
                        + parameter.get("name").asString()));
        assertThat(listParameters).containsExactlyInAnyOrder("query cursor", "query limit");
        List<String> parameters = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (JsonNode operation : path.getValue()) {
                if (operation.has("parameters")) {
                    operation.get("parameters").forEach(parameter -> {
                        String name = parameter.get("name").asString();
                        // a variable of the path itself is what the client sends (the operator API's {tenantId})
                        if (!("path".equals(parameter.get("in").asString())
                                && path.getKey().contains("{" + name + "}"))) {
                            parameters.add(name);
                        }
                    });
                }
            }
        }
        assertThat(parameters).isNotEmpty().doesNotContain("caller", "tenantId", "memberId", "sourceIp", "jwt");
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUi() {
        JsonNode openApi = Api.json(api.get(null, "/v3/api-docs"), 200);
        assertThat(openApi.get("paths").has("/v1/configurations")).isTrue();
        assertThat(openApi.get("paths").has("/v1/signup")).isTrue();
        assertThat(openApi.get("components")
                        .get("securitySchemes")
                        .get("platformToken")
                        .get("scheme")
                        .asString())
                .isEqualTo("bearer");
        api.http
                .get()
                .uri("/docs")
                .exchange()
                .expectStatus()
                .value(status -> assertThat(status).isIn(200, 302));
        api.http
                .get()
                .uri("/swagger-ui/index.html")
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectStatus()
                .isOk();
    }
}
