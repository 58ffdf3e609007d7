package io.pushgate.microbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReferenceServerTests {

    @ParameterizedTest
    @EnumSource(ReferenceServer.Kind.class)
    void everyRequestIsAnswered202WithoutABody(ReferenceServer.Kind kind) throws Exception {
        try (ReferenceServer server = ReferenceServer.start(kind, 0)) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/axp/callbacks/anything");
            for (int n = 0; n < 3; n++) {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"eventId\":\"" + n + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(202);
                assertThat(answer.body()).isEmpty();
            }
        }
    }
}
