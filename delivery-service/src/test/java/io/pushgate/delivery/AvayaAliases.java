package io.pushgate.delivery;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The calls Avaya's sample apps make to the registration aliases (AXP-CONTRACT.md §2), as a test makes them. */
public final class AvayaAliases {

    /** The aliases' collection: {@code /{deviceToken}} and {@code :search} under it. */
    public static final String REGISTRATIONS = "/custom-notification-connector/device-registrations";

    private AvayaAliases() {}

    /** {@code PUT …/{deviceToken}} with {@code body} ({@code configId}, {@code sessionId}, {@code type}), no token. */
    public static WebTestClient.ResponseSpec register(WebTestClient http, String deviceToken, Map<String, ?> body) {
        return register(http, deviceToken, body, null);
    }

    /** The same with {@code Authorization: Bearer <bearer>}, unless {@code bearer} is {@code null}. */
    public static WebTestClient.ResponseSpec register(
            WebTestClient http, String deviceToken, Map<String, ?> body, String bearer) {
        WebTestClient.RequestBodySpec put = http.put().uri(REGISTRATIONS + "/{token}", deviceToken);
        if (bearer != null) {
            put = put.header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
        }
        return put.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
