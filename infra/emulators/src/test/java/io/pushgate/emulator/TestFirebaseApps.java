package io.pushgate.emulator;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/** firebase-admin apps that talk to an {@link FcmEmulator}: one named app per call, deleted by the caller. */
final class TestFirebaseApps {

    static final String FCM_HOST = "https://fcm.googleapis.com";

    private TestFirebaseApps() {}

    /** A transport that sends what firebase-admin addresses to fcm.googleapis.com to the emulator. */
    static NetHttpTransport transportTo(FcmEmulator emulator) {
        String target = emulator.baseUri().toString();
        return new NetHttpTransport.Builder()
                .setConnectionFactory(url -> open(url, target))
                .build();
    }

    private static HttpURLConnection open(URL url, String target) throws IOException {
        String address = url.toString();
        if (address.startsWith(FCM_HOST)) {
            address = target + address.substring(FCM_HOST.length());
        }
        return (HttpURLConnection) URI.create(address).toURL().openConnection();
    }

    /** An app whose credentials are the service account's key file (tokens from the emulator). */
    static FirebaseApp withServiceAccount(FcmEmulator emulator, FcmServiceAccount account) {
        try {
            GoogleCredentials credentials = GoogleCredentials.fromStream(
                    new ByteArrayInputStream(account.json().getBytes(StandardCharsets.UTF_8)));
            return app(emulator, credentials, account.projectId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An app with a fixed access token, as a "sandbox" credential is built. */
    static FirebaseApp withAccessToken(FcmEmulator emulator, String projectId, String accessToken) {
        GoogleCredentials credentials = GoogleCredentials.newBuilder()
                .setAccessToken(
                        new AccessToken(accessToken, Date.from(Instant.now().plus(1, ChronoUnit.DAYS))))
                .build();
        return app(emulator, credentials, projectId);
    }

    private static FirebaseApp app(FcmEmulator emulator, GoogleCredentials credentials, String projectId) {
        FirebaseOptions options = FirebaseOptions.builder()
                .setCredentials(credentials)
                .setProjectId(projectId)
                .setHttpTransport(transportTo(emulator))
                .build();
        return FirebaseApp.initializeApp(options, "test-" + UUID.randomUUID());
    }

    static FirebaseMessaging messaging(FirebaseApp app) {
        return FirebaseMessaging.getInstance(app);
    }
}
