package io.pushgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TestRedisIntegrationTests {

    @Test
    void findsARedisThatAnswers() throws IOException {
        URI redis = TestRedis.require();

        try (var socket = new Socket(redis.getHost(), redis.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[7];
            int read = socket.getInputStream().readNBytes(answer, 0, answer.length);
            assertThat(new String(answer, 0, read, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
    }
}
