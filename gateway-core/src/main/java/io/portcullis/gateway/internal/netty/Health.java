package io.portcullis.gateway.internal.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/** The gateway's own health answer: 200 {@code {"status":"UP"}}, or 503 while draining so load balancers move away. */
final class Health {
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DRAINING = "{\"status\":\"DRAINING\"}".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString UP_LENGTH = AsciiString.of(Integer.toString(UP.length));
    private static final AsciiString DRAINING_LENGTH = AsciiString.of(Integer.toString(DRAINING.length));

    private Health() {
    }

    static FullHttpResponse response(ByteBufAllocator alloc, boolean draining, boolean headRequest) {
        byte[] body = draining ? DRAINING : UP;
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                draining ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                headRequest ? Unpooled.EMPTY_BUFFER : alloc.buffer(body.length).writeBytes(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, draining ? DRAINING_LENGTH : UP_LENGTH)
                .set(HttpHeaderNames.CACHE_CONTROL, Problems.NO_STORE);
        return res;
    }
}
