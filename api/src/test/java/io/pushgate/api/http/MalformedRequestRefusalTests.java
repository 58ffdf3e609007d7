package io.pushgate.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.api.problem.ProblemKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The refusal over Netty's own HTTP/1.1 codec in an embedded channel: which requests it answers, with
 * what, and which it leaves to the server behind it.
 */
class MalformedRequestRefusalTests {

    private static final MalformedRequestRefusal.Kinds KINDS = new MalformedRequestRefusal.Kinds(
            DeliveryApiProblem.REQUEST_REJECTED,
            DeliveryApiProblem.REQUEST_LINE_TOO_LONG,
            DeliveryApiProblem.HEADERS_TOO_LARGE,
            DeliveryApiProblem.CHUNKED_BODY_MALFORMED,
            DeliveryApiProblem.HTTP_VERSION_NOT_SUPPORTED);

    /** What the refusal told its listener: the kind of each refusal. */
    private final List<ProblemKind> told = new ArrayList<>();

    /** What reached the server behind the refusal: the decoded requests. */
    private final List<HttpRequest> passed = new ArrayList<>();

    /** What reached the server behind the refusal: the bodies' parts the decoder failed to read. */
    private final List<HttpContent> failedContents = new ArrayList<>();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(
                new HttpServerCodec(),
                new MalformedRequestRefusal(KINDS, told::add),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest request) {
                            passed.add(request);
                        } else if (msg instanceof HttpContent content
                                && content.decoderResult().isFailure()) {
                            failedContents.add(content);
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
    }

    @Test
    void aControlCharacterInAHeaderIsA400RequestRejectedProblemAndTheConnectionCloses() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes(
                "POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n" + "Content-Length: 2\r\n\r\n{}"));

        String answer = answer(channel);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).containsIgnoringCase("connection: close");
        assertThat(answer).contains("\"type\":\"https://pushgate.io/problems/request-rejected\"", "\"status\":400");
        assertThat(answer).doesNotContain("a\u0001b", "axp");
        assertThat(passed).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(told).containsExactly(DeliveryApiProblem.REQUEST_REJECTED);
    }

    @Test
    void twoContentLengthsThatDisagreeAreA400() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(
                bytes("PUT /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"));

        assertThat(answer(channel)).startsWith("HTTP/1.1 400 ").contains("request-rejected");
        assertThat(passed).isEmpty();
    }

    @Test
    void aRequestLineOverTheLimitIsA414() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /" + "x".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));

        String answer = answer(channel);
        assertThat(answer).startsWith("HTTP/1.1 414 ");
        assertThat(answer)
                .contains("\"type\":\"https://pushgate.io/problems/request-line-too-long\"", "\"status\":414");
        assertThat(answer).doesNotContain("xxxx");
    }

    @Test
    void headersOverTheLimitAreA431() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + "a".repeat(9_000) + "\r\n\r\n"));

        String answer = answer(channel);
        assertThat(answer).startsWith("HTTP/1.1 431 ");
        assertThat(answer)
                .contains("\"type\":\"https://pushgate.io/problems/request-headers-too-large\"", "\"status\":431");
    }

    @Test
    void aWellFormedRequestPassesOnUntouched() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));

        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).uri()).isEqualTo("/axp/callbacks/k");
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    /** Behind an unanswered request a failed one passes on: its answer must not overtake the first's. */
    @Test
    void aFailedRequestBehindAnUnansweredOnePassesOn() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n\r\n"));

        assertThat(passed).hasSize(2);
        assertThat(passed.get(1).decoderResult().isFailure()).isTrue();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    /** Once the earlier answer has ended, the next failed request is answered here again. */
    @Test
    void afterTheEarlierAnswerEndsAFailedRequestIsAnsweredHere() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        drain(channel);

        channel.writeInbound(bytes("GET /second HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n\r\n"));

        assertThat(passed).hasSize(1);
        assertThat(answer(channel)).startsWith("HTTP/1.1 400 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
    void aMajorVersionOtherThanOneIsA505AndTheConnectionCloses(String version) {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /v1/x " + version + "\r\nHost: x\r\n\r\n"));

        String answer = answer(channel);
        assertThat(answer).startsWith("HTTP/1.1 505 ");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).containsIgnoringCase("connection: close");
        assertThat(answer)
                .contains("\"type\":\"https://pushgate.io/problems/http-version-not-supported\"", "\"status\":505");
        assertThat(passed).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    /** RFC 9110 §2.5: a higher minor version of HTTP/1 is served as the highest the server implements. */
    @Test
    void aHigherMinorVersionOfHttp1PassesOn() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /v1/x HTTP/1.2\r\nHost: x\r\n\r\n"));

        assertThat(passed).hasSize(1);
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    /** Behind an unanswered request an unsupported version passes on as a failed request, never served. */
    @Test
    void anUnsupportedVersionBehindAnUnansweredRequestPassesOnAsAFailure() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/2.0\r\nHost: x\r\n\r\n"));

        assertThat(passed).hasSize(2);
        assertThat(passed.get(1).decoderResult().isFailure()).isTrue();
        assertThat(channel.outboundMessages()).isEmpty();
    }

    /**
     * A body the server waits for whose chunk cannot be read (a size that is no hex number, a size line
     * ended by a bare LF, a chunk not ended by CRLF): the problem in place of the server's answer,
     * which never comes (the request passed on; its failed chunk does not).
     */
    @ParameterizedTest
    @ValueSource(strings = {"zz\r\n}\r\n", "1\n}\r\n", "1\r\n}xx"})
    void aChunkThatCannotBeReadIsA400ChunkedBodyMalformedProblemAndTheConnectionCloses(String badChunk) {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\n{\r\n" + badChunk));

        String answer = answer(channel);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).containsIgnoringCase("connection: close");
        assertThat(answer)
                .contains("\"type\":\"https://pushgate.io/problems/chunked-body-malformed\"", "\"status\":400");
        assertThat(passed).hasSize(1);
        assertThat(failedContents).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(told).containsExactly(DeliveryApiProblem.CHUNKED_BODY_MALFORMED);
    }

    /** After the server answered, a chunk that cannot be read closes the connection with no second answer. */
    @Test
    void aChunkThatCannotBeReadAfterTheAnswerClosesWithoutASecondAnswer() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes(
                "POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "1\r\n{\r\n"));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));
        drain(channel);

        channel.writeInbound(bytes("zz\r\n}\r\n"));

        assertThat(answer(channel)).isEmpty();
        assertThat(failedContents).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(told)
                .as("refused by closing, without an answer")
                .containsExactly(DeliveryApiProblem.CHUNKED_BODY_MALFORMED);
    }

    /** Once the server began its answer, a chunk that cannot be read passes on: two answers cannot be sent. */
    @Test
    void aChunkThatCannotBeReadWhileTheServerAnswersPassesOn() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes(
                "POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "1\r\n{\r\n"));
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        drain(channel);

        channel.writeInbound(bytes("zz\r\n}\r\n"));

        assertThat(failedContents).hasSize(1);
        assertThat(answer(channel)).isEmpty();
    }

    /** A well-formed request, and one refused behind an unanswered request (Reactor Netty refuses it), are not told. */
    @Test
    void onlyTheRefusalsAnsweredHereAreTold() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(bytes("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n\r\n"));

        assertThat(passed).hasSize(2);
        assertThat(told).isEmpty();
    }

    /**
     * A client that closes the connection in the middle of its request's head went away: no answer (nobody
     * reads it), no refusal counted, nothing passed on.
     */
    @Test
    void aHeadCutShortByTheClientClosingIsNeitherAnsweredNorTold() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\nContent-Le"));

        channel.finish();

        assertThat(told).isEmpty();
        assertThat(passed).isEmpty();
        assertThat(answer(channel)).isEmpty();
    }

    /** A body cut short by the client closing: its request passed on; no answer, no refusal told. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "Content-Length: 400\r\n\r\n{\"eventId\":",
                "Transfer-Encoding: chunked\r\n\r\n190\r\n{\"eventId\":"
            })
    void aBodyCutShortByTheClientClosingIsNeitherAnsweredNorTold(String framing) {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("POST /axp/callbacks/k HTTP/1.1\r\nHost: x\r\n" + framing));

        channel.finish();

        assertThat(passed).hasSize(1);
        assertThat(told).isEmpty();
        assertThat(answer(channel)).isEmpty();
    }

    /** {@code counted}: {@code pushgate_requests_refused_total{problem=<slug>}}, each kind at 0 from the start. */
    @Test
    void countedCountsEachRefusalByItsProblemsSlug() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MalformedRequestRefusal.Listener counted = MalformedRequestRefusal.counted(KINDS, meters);
        EmbeddedChannel channel =
                new EmbeddedChannel(new HttpServerCodec(), new MalformedRequestRefusal(KINDS, counted));

        channel.writeInbound(bytes("GET /v1/x HTTP/2.0\r\nHost: x\r\n\r\n"));

        assertThat(meters.get(MalformedRequestRefusal.METER)
                        .tag("problem", "http-version-not-supported")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        for (String slug : List.of(
                "request-rejected", "request-line-too-long", "request-headers-too-large", "chunked-body-malformed")) {
            assertThat(meters.get(MalformedRequestRefusal.METER)
                            .tag("problem", slug)
                            .counter()
                            .count())
                    .as(slug)
                    .isZero();
        }
        drain(channel);
    }

    /**
     * The lazy {@code counted}: no registry is asked for until the first {@code get} (a server's first
     * connection), which registers every kind at 0; every {@code get} after answers the same listener.
     */
    @Test
    void theLazyCountedTakesTheRegistryAtTheFirstGetOnlyAndRegistersEachKindThen() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<SimpleMeterRegistry> asked = new ArrayList<>();
        Supplier<MalformedRequestRefusal.Listener> counted = MalformedRequestRefusal.counted(KINDS, () -> {
            asked.add(meters);
            return meters;
        });
        assertThat(asked).as("not asked before the first get").isEmpty();

        MalformedRequestRefusal.Listener first = counted.get();

        assertThat(asked).hasSize(1);
        assertThat(meters.find(MalformedRequestRefusal.METER).counters())
                .as("every kind registered at 0")
                .hasSize(5)
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(counted.get()).isSameAs(first);
        assertThat(asked).as("asked once").hasSize(1);
    }

    @Test
    void eachKindMustCarryItsStatus() {
        assertThatThrownBy(() -> new MalformedRequestRefusal.Kinds(
                        DeliveryApiProblem.INVALID_FIELD,
                        DeliveryApiProblem.INVALID_FIELD,
                        DeliveryApiProblem.HEADERS_TOO_LARGE,
                        DeliveryApiProblem.CHUNKED_BODY_MALFORMED,
                        DeliveryApiProblem.HTTP_VERSION_NOT_SUPPORTED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MalformedRequestRefusal.Kinds(
                        DeliveryApiProblem.REQUEST_REJECTED,
                        DeliveryApiProblem.REQUEST_LINE_TOO_LONG,
                        DeliveryApiProblem.HEADERS_TOO_LARGE,
                        DeliveryApiProblem.CHUNKED_BODY_MALFORMED,
                        DeliveryApiProblem.UNAVAILABLE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static void drain(EmbeddedChannel channel) {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
        }
    }

    private static String answer(EmbeddedChannel channel) {
        StringBuilder answer = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) out;
            answer.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return answer.toString();
    }
}
