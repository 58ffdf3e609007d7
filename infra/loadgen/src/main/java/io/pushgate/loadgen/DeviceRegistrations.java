package io.pushgate.loadgen;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Device registrations as apps make them: {@code PUT /v1/device-registrations/{deviceToken}} with
 * an app client's token, a new FCM-shaped device token each, for a session from a fixed pool (so
 * sessions gather several devices, the newest winning, as when users reinstall).
 */
final class DeviceRegistrations implements Supplier<CallbackLoad.Request> {

    private final ControlPlaneSetup.App app;
    private final String[] sessions;

    DeviceRegistrations(ControlPlaneSetup.App app, int sessionCount) {
        this.app = app;
        this.sessions = new String[sessionCount];
        for (int i = 0; i < sessionCount; i++) {
            sessions[i] = UUID.randomUUID().toString();
        }
    }

    @Override
    public CallbackLoad.Request get() {
        String deviceToken = ControlPlaneSetup.fcmToken();
        String sessionId = sessions[ThreadLocalRandom.current().nextInt(sessions.length)];
        byte[] body = ("{\"configId\":\"" + app.axpConfigurationId() + "\",\"sessionId\":\"" + sessionId
                        + "\",\"platform\":\"android\",\"provider\":\"fcm\"}")
                .getBytes(StandardCharsets.UTF_8);
        String uri = app.registrationUri(deviceToken).toString();
        // the outcome is named by the token's first characters only: device tokens are never shown whole
        String name = deviceToken.substring(0, 8);
        return client -> client.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + app.token()))
                .put()
                .uri(uri)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((response, content) ->
                        content.then(Mono.just(response.status().code())))
                .map(status -> new CallbackLoad.Outcome(name, Integer.toString(status)))
                .onErrorResume(error -> Mono.just(new CallbackLoad.Outcome(name, CallbackLoad.errorOutcome(error))));
    }
}
