package io.pushgate.delivery.channel;

import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import java.net.URI;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.HttpVersion;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.DefaultRoutePlanner;
import org.apache.http.protocol.HttpContext;

/**
 * The HTTP transport firebase-admin sends FCM requests through.
 *
 * <p>firebase-admin's FCM address is fixed: for another endpoint (the emulator, the sandbox) every
 * connection is routed there instead, the request otherwise unchanged.
 *
 * <p>firebase-admin retries a 503 by itself (up to four times, minutes in all). Our retry policy owns
 * retrying (back-off, jitter, the delivery window, metrics), so a 503 reaches firebase-admin as a 502:
 * its error body still says {@code UNAVAILABLE}, which is what the outcome is read from.
 */
final class FcmTransport {

    private FcmTransport() {}

    static ApacheHttpTransport to(URI endpoint, int maxConnections) {
        HttpClientBuilder client = ApacheHttpTransport.newDefaultHttpClientBuilder()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .addInterceptorLast((HttpResponseInterceptor) (response, context) -> {
                    if (response.getStatusLine().getStatusCode() == 503) {
                        response.setStatusLine(HttpVersion.HTTP_1_1, 502, "Service Unavailable (503)");
                    }
                });
        if (!"fcm.googleapis.com".equals(endpoint.getHost())) {
            HttpHost target = new HttpHost(endpoint.getHost(), endpoint.getPort(), endpoint.getScheme());
            client.setRoutePlanner(new DefaultRoutePlanner(null) {
                @Override
                public HttpRoute determineRoute(HttpHost host, HttpRequest request, HttpContext context)
                        throws org.apache.http.HttpException {
                    return super.determineRoute(target, request, context);
                }
            });
        }
        return new ApacheHttpTransport(client.build());
    }
}
