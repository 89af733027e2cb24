package io.portcullis.gateway.internal.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.portcullis.gateway.EndpointConfig;
import io.portcullis.gateway.internal.cluster.Endpoint;
import io.portcullis.gateway.CompressionConfig;
import io.portcullis.gateway.UpstreamConfig;
import io.portcullis.gateway.internal.compress.BodyEncoder;
import io.portcullis.gateway.internal.compress.ResponseCompression;
import io.portcullis.gateway.internal.policy.PolicyChains;
import io.portcullis.gateway.internal.policy.PolicyMeters;
import io.portcullis.gateway.internal.routing.Route;
import io.portcullis.gateway.observe.AccessLog;
import io.portcullis.gateway.policy.AttrKey;
import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLException;

/**
 * One request/response exchange between a client (HTTP/1.1 connection or HTTP/2 stream) and an
 * upstream HTTP/1.1 connection or HTTP/2 stream channel (HTTP objects either way), on one event
 * loop. Bodies stream in both directions: a chunk is read from one side only when the other side
 * can take it (Netty's channel writability), so memory stays flat for any body size.
 */
final class Exchange implements RequestContext {

    /**
     * Headers built from already-checked parts (the client's were checked by {@link HeaderRules},
     * the upstream's by Netty's decoder), so the copy skips a second validation pass.
     */
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private static final HttpHeaders RETRY_AFTER = new io.netty.handler.codec.http.DefaultHttpHeaders()
            .set(HttpHeaderNames.RETRY_AFTER, "1");

    private static final HttpHeadersFactory CHECKED_HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final ProxyHandler client;
    private final ChannelHandlerContext cctx;
    private final GatewayRuntime rt;
    private final HttpRequest request;
    private final long startNanos;
    private final String requestId;

    private RequestHead head;
    private Policy[] policies;
    private PolicyMeters[] policyMeters;
    private Principal principal;
    private Object[] attrs;
    private Route route;
    private String routeId = "none";
    private UpstreamAttempts attempts;
    private Future<Channel> acquiring;
    private HttpRequest upstreamRequest;
    private InetAddress clientAddress;
    private long bodyLimit;

    private Channel up;
    private UpstreamHandler upHandler;
    private boolean reusedConnection;
    private boolean retried;
    private HttpContent pendingContent;

    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean upstreamReusable;
    private boolean clientKeepAlive;
    private boolean skippingInformational;
    private boolean waitUpstreamWritable;
    private boolean waitClientWritable;
    private boolean done;
    private boolean webSocket;
    private BodyEncoder encoder;
    private int status;
    private long bytesIn;
    private long bytesOut;
    private long upstreamQuietSince;
    private long clientQuietSince;
    private ScheduledFuture<?> timer;

    Exchange(ProxyHandler client, HttpRequest request) {
        this.client = client;
        this.cctx = client.ctx;
        this.rt = client.runtime;
        this.request = request;
        this.startNanos = System.nanoTime();
        this.clientQuietSince = startNanos;
        this.requestId = requestId(request.headers());
        this.clientAddress = client.peer;
    }

    // ---- request side ------------------------------------------------------------------------

    void start() {
        try {
            head = RequestHead.parse(request, client.h2, rt.limits());
        } catch (RequestHead.Rejected r) {
            respondError(r.status, r.getMessage(), r.closeConnection, r.closeConnection);
            return;
        }
        clientKeepAlive = head.keepAlive() && !rt.draining();
        String healthPath = rt.config().healthPath();
        if (healthPath != null && healthPath.equals(head.path())) {
            respondHealth();
            return;
        }
        route = rt.router().find(head.host(), head.path(), head.method().name());
        if (route == null) {
            respondError(HttpResponseStatus.NOT_FOUND, "no route matches this request", false, false);
            return;
        }
        routeId = route.id();
        attempts = new UpstreamAttempts(rt.cluster(routeId), rt.pool(cctx.channel().eventLoop()).index(), route.config(),
                rt.timeouts());
        bodyLimit = route.maxRequestBodyBytes(rt.limits().maxRequestBodyBytes());
        if (head.contentLength() > bodyLimit) {
            respondError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than " + bodyLimit + " bytes", true, false);
            return;
        }
        if (HttpMethod.CONNECT.equals(head.method())) {
            // also what an HTTP/2 extended CONNECT (RFC 8441 WebSocket) becomes: not advertised, not supported
            respondError(HttpResponseStatus.NOT_IMPLEMENTED,
                    "CONNECT is not supported (WebSocket works over HTTP/1.1 only)", false, false);
            return;
        }
        if (!client.h2 && WebSocketHandshake.requested(head, request.headers())) {
            WebSocketHandshake.Refusal refused = route.config().websocket()
                    ? WebSocketHandshake.check(head.method(), request.headers(), head)
                    : new WebSocketHandshake.Refusal(HttpResponseStatus.FORBIDDEN,
                            "WebSocket is disabled on this route", HttpHeaders.EMPTY_HEADERS);
            if (refused != null) {
                respond(refused.status(), refused.detail(), true, refused.headers(), false, false);
                return;
            }
            if (attempts.cluster().config().protocol().http2()) {
                respondError(HttpResponseStatus.NOT_IMPLEMENTED, "WebSocket is not supported to cluster '"
                        + attempts.cluster().name() + "': it speaks HTTP/2 to its endpoints", false, false);
                return;
            }
            webSocket = true;
        }
        armTimer(Math.min(rt.timeouts().request().toNanos(), attempts.responseTimeout().toNanos()));
        PolicyChains.Chain chain = rt.policies().forRoute(routeId);
        policies = chain.policies();
        policyMeters = chain.meters();
        runPolicies(0);
    }

    // ---- policy chain ------------------------------------------------------------------------

    /** Runs the chain from {@code index}; goes upstream when every policy let the request through. */
    private void runPolicies(int index) {
        for (int i = index; i < policies.length; i++) {
            Decision d;
            try {
                d = policies[i].onRequest(this);
            } catch (RuntimeException e) {
                policyFailed(i, e);
                return;
            }
            if (!onDecision(i, d)) {
                return;
            }
        }
        goUpstream();
    }

    /** Applies a decision of policy {@code i}; true when the chain goes on with the next policy. */
    private boolean onDecision(int i, Decision d) {
        PolicyMeters meters = policyMeters[i];
        if (d instanceof Decision.Continue) {
            if (meters != null) {
                meters.proceeded();
            }
            return true;
        }
        if (d instanceof Decision.Respond r) {
            if (meters != null) {
                meters.responded(r.status());
            }
            respond(HttpResponseStatus.valueOf(r.status()), r.detail(), r.problem(), r.headers(), false, false);
            return false;
        }
        if (d instanceof Decision.Suspend s) {
            long suspendedAt = System.nanoTime();
            s.stage().whenComplete((next, error) -> cctx.executor().execute(() -> {
                if (meters != null) {
                    meters.suspended(System.nanoTime() - suspendedAt);
                }
                if (done) {
                    return;
                }
                if (error != null || next == null) {
                    policyFailed(i, error != null ? error : new NullPointerException("null decision"));
                } else if (onDecision(i, next)) {
                    runPolicies(i + 1);
                }
            }));
            return false;
        }
        policyFailed(i, new IllegalStateException("unknown decision " + d));
        return false;
    }

    private void policyFailed(int i, Throwable e) {
        if (policyMeters[i] != null) {
            policyMeters[i].failed();
        }
        LOG.error("request {}: policy {} ({}) failed", requestId, i, policies[i].getClass().getName(), e);
        respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the gateway could not evaluate this request", false, false);
    }

    /** The response-side hook of every policy the request met, last first; never lets one break the response. */
    private void applyResponsePolicies(HttpHeaders headers) {
        Policy[] chain = policies != null ? policies : rt.policies().defaults();
        for (int i = chain.length - 1; i >= 0; i--) {
            try {
                chain[i].onResponse(this, headers);
            } catch (RuntimeException e) {
                LOG.error("request {}: response hook of {} failed", requestId, chain[i].getClass().getName(), e);
            }
        }
    }

    private void goUpstream() {
        upstreamRequest = buildUpstreamRequest();
        Endpoint e = attempts.first(request.headers(), clientAddress);
        if (e == null) {
            // rare (every endpoint out): a header of its own, saying when the first one should be back
            HttpHeaders retry = new io.netty.handler.codec.http.DefaultHttpHeaders()
                    .set(HttpHeaderNames.RETRY_AFTER, attempts.cluster().retryAfterSeconds(System.nanoTime()));
            respond(HttpResponseStatus.SERVICE_UNAVAILABLE, attempts.noEndpointDetail(), true, retry, false, false);
            return;
        }
        sendTo(e);
    }

    /** Sends the request to {@code e} on an idle pooled connection, or on one from {@link #acquire}. */
    private void sendTo(Endpoint e) {
        if (!attempts.preserveHost() || head.authority() == null) {
            upstreamRequest.headers().set(HttpHeaderNames.HOST, e.config().authority());
        }
        Channel pooled = rt.pool(cctx.channel().eventLoop()).pollIdle(e);
        if (pooled != null) {
            onConnected(pooled, true);
        } else {
            acquire(e);
        }
    }

    /** The attempt failed before any response byte: true when it goes on at another endpoint. */
    private boolean retryElsewhere() {
        Endpoint next = attempts.retry();
        if (next == null) {
            return false;
        }
        sendTo(next);
        return true;
    }

    private HttpRequest buildUpstreamRequest() {
        HttpHeaders in = request.headers();
        HttpHeaders out = CHECKED_HEADERS.newHeaders();
        HeaderRules.copyEndToEnd(in, out, HttpHeaderNames.HOST, HeaderRules.X_FORWARDED_FOR,
                HeaderRules.X_FORWARDED_PROTO, HeaderRules.X_FORWARDED_HOST, HeaderRules.FORWARDED,
                Problems.X_REQUEST_ID, HttpHeaderNames.EXPECT, HttpHeaderNames.CONTENT_LENGTH);
        String authority = head.authority();
        if (attempts.preserveHost() && authority != null) {
            out.set(HttpHeaderNames.HOST, authority); // otherwise the endpoint's, set per attempt in sendTo
        }
        ForwardedHeaders.Result fw = ForwardedHeaders.compute(in, client.connection, client.scheme, authority,
                rt.trustedProxies());
        clientAddress = fw.client();
        out.set(HeaderRules.X_FORWARDED_FOR, fw.xForwardedFor());
        out.set(HeaderRules.X_FORWARDED_PROTO, fw.xForwardedProto());
        if (fw.xForwardedHost() != null) {
            out.set(HeaderRules.X_FORWARDED_HOST, fw.xForwardedHost());
        }
        out.set(HeaderRules.FORWARDED, fw.forwarded());
        if (!fw.peerTrusted()) {
            for (AsciiString name : HeaderRules.PROXY_FACTS) {
                out.remove(name);
            }
        }
        if (client.clientCertificate != null) {
            String xfcc = ClientCertificateHeader.value(client.clientCertificate);
            String before = fw.peerTrusted() ? out.get(HeaderRules.X_FORWARDED_CLIENT_CERT) : null;
            out.set(HeaderRules.X_FORWARDED_CLIENT_CERT, before == null ? xfcc : before + "," + xfcc);
        }
        out.set(Problems.X_REQUEST_ID, requestId);
        if (head.hasBody()) {
            if (head.contentLength() >= 0) {
                out.set(HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
            } else {
                out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (head.contentLength() == 0) {
            out.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        }
        if (webSocket) {
            WebSocketHandshake.addUpgradeRequest(out);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, head.method(),
                head.pathAndQuery(route.rewrite(head.path())), out);
    }

    void onRequestContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        if (head == null || !head.hasBody()) {
            content.release(); // the empty end of a bodiless request
            requestComplete = true;
            return;
        }
        HttpContent c = content instanceof HttpRequest
                ? new DefaultLastHttpContent(content.content()) // a full request: send only its body now
                : content;
        if (c.decoderResult().isFailure()) {
            c.release();
            respondError(HttpResponseStatus.BAD_REQUEST, "malformed request body (chunked encoding)", true, true);
            return;
        }
        bytesIn += c.content().readableBytes();
        clientQuietSince = System.nanoTime();
        if (bytesIn > bodyLimit) {
            c.release();
            respondError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than " + bodyLimit + " bytes", true, false);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
            upstreamQuietSince = System.nanoTime();
        }
        if (up == null) {
            pendingContent = c; // connecting: only a full request's body can arrive before the upstream is ready
            return;
        }
        up.writeAndFlush(c, up.voidPromise());
        if (!last) {
            if (up.isWritable()) {
                client.readClient();
            } else {
                waitUpstreamWritable = true;
            }
        }
    }

    void onUpstreamWritable() {
        if (waitUpstreamWritable && !done) {
            waitUpstreamWritable = false;
            client.readClient();
        }
    }

    // ---- upstream connection -----------------------------------------------------------------

    /** A new connection to {@code e}, or one another request releases (the pool's limits decide). */
    private void acquire(Endpoint e) {
        Future<Channel> pending = rt.pool(cctx.channel().eventLoop()).acquire(e, attempts.connectTimeout().toMillis());
        acquiring = pending;
        pending.addListener((Future<Channel> f) -> {
            if (acquiring == f) {
                acquiring = null;
            }
            if (f.isSuccess()) {
                Channel ch = f.getNow();
                onConnected(ch, ch.pipeline().get(UpstreamHandler.class).requests() > 0);
            } else if (!done) {
                Throwable cause = f.cause();
                if (cause instanceof UpstreamPool.NoConnection) {
                    attempts.end();
                    rt.metrics().upstreamError(routeId, "pool");
                    respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster '" + attempts.cluster().name() + "': "
                            + cause.getMessage(), true, RETRY_AFTER, false, false);
                    return;
                }
                attempts.failed();
                if (retryElsewhere()) {
                    return; // nothing of the request was sent: any method may go elsewhere
                }
                if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
                    upstreamFailed("timeout", HttpResponseStatus.GATEWAY_TIMEOUT, "connecting to the upstream timed out after "
                            + Problems.duration(attempts.connectTimeout()));
                } else if (cause instanceof UpstreamPool.NotHttp2) {
                    upstreamFailed("protocol", HttpResponseStatus.BAD_GATEWAY, cause.getMessage());
                } else if (isTls(cause)) {
                    upstreamFailed("tls", HttpResponseStatus.BAD_GATEWAY,
                            "the TLS handshake with the upstream failed (certificate or protocol)");
                } else {
                    upstreamFailed("connect", HttpResponseStatus.BAD_GATEWAY, unreachable(e.config()));
                }
            }
        });
    }

    private static boolean isTls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private void onConnected(Channel ch, boolean reused) {
        if (done) {
            rt.pool(cctx.channel().eventLoop()).release(ch);
            return;
        }
        up = ch;
        reusedConnection = reused;
        upHandler = ch.pipeline().get(UpstreamHandler.class);
        upHandler.attach(this);
        if (head.expectContinue() && !requestComplete && !retried) {
            cctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        UpstreamResponseDecoder decoder = ch.pipeline().get(UpstreamResponseDecoder.class);
        if (decoder != null) { // HTTP/1.1; an HTTP/2 stream knows the end of a response from its frames
            decoder.expectResponseTo(HttpMethod.HEAD.equals(head.method()));
        }
        if (!head.hasBody() && ch instanceof Http2StreamChannel) {
            // one HEADERS frame with END_STREAM, as HTTP/2 clients send a bodiless request
            ch.write(new DefaultFullHttpRequest(upstreamRequest.protocolVersion(), upstreamRequest.method(),
                    upstreamRequest.uri(), Unpooled.EMPTY_BUFFER, upstreamRequest.headers(), HttpHeaders.EMPTY_HEADERS));
        } else {
            ch.write(upstreamRequest);
        }
        if (!head.hasBody()) {
            if (!(ch instanceof Http2StreamChannel)) {
                ch.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            requestComplete = true;
            upstreamQuietSince = System.nanoTime();
        } else if (pendingContent != null) {
            HttpContent c = pendingContent;
            pendingContent = null;
            ch.write(c);
        }
        ch.flush(); // the upstream channel reads on its own (auto-read) unless the client pushes back
        if (head.hasBody() && !requestComplete) {
            if (ch.isWritable()) {
                client.readClient();
            } else {
                waitUpstreamWritable = true;
            }
        }
    }

    // ---- response side -----------------------------------------------------------------------

    void onUpstreamRead(Object msg) {
        if (done) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        upstreamQuietSince = System.nanoTime();
        if (msg instanceof HttpResponse res) {
            if (res.decoderResult().isFailure()) {
                io.netty.util.ReferenceCountUtil.release(msg);
                upstreamFailed("invalid", HttpResponseStatus.BAD_GATEWAY, "the upstream sent an invalid response");
                return;
            }
            int code = res.status().code();
            if (code < 200) {
                if (code == 101) {
                    if (webSocket && WebSocketHandshake.accepted(res)) {
                        openTunnel(res);
                        return;
                    }
                    io.netty.util.ReferenceCountUtil.release(msg);
                    upstreamFailed("invalid", HttpResponseStatus.BAD_GATEWAY,
                            "the upstream switched protocols without being asked to");
                    return;
                }
                skippingInformational = true; // 100/103 from upstream: the gateway answers Expect itself
            } else {
                responseStarted = true;
                status = code;
                attempts.responded(code);
                cctx.write(clientResponse(res), cctx.voidPromise());
            }
        }
        if (msg instanceof HttpContent c) {
            if (skippingInformational) {
                c.release();
                if (c instanceof LastHttpContent) {
                    skippingInformational = false;
                }
                return;
            }
            if (c.decoderResult().isFailure()) {
                c.release();
                upstreamFailed("invalid", HttpResponseStatus.BAD_GATEWAY, "the upstream sent an invalid response body");
                return;
            }
            bytesOut += c.content().readableBytes();
            if (encoder != null) {
                c = encoder.encode(c);
            }
            if (c instanceof LastHttpContent) {
                responseComplete = true;
                boolean reuse = requestComplete && (client.h2 || (clientKeepAlive && !rt.draining()));
                complete(cctx.writeAndFlush(c, reuse ? cctx.voidPromise() : cctx.newPromise()), reuse);
            } else {
                cctx.write(c, cctx.voidPromise());
            }
        }
    }

    private HttpResponse clientResponse(HttpResponse res) {
        HttpHeaders out = CHECKED_HEADERS.newHeaders();
        HeaderRules.copyEndToEnd(res.headers(), out, Problems.X_REQUEST_ID);
        out.set(Problems.X_REQUEST_ID, requestId);
        int code = res.status().code();
        boolean bodyAllowed = !HttpMethod.HEAD.equals(head.method()) && code != 204 && code != 304;
        boolean framed = res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                || HttpUtil.isTransferEncodingChunked(res) || !bodyAllowed;
        upstreamReusable = framed && HttpUtil.isKeepAlive(res) && !webSocket; // a refused upgrade: not reused
        clientKeepAlive &= !rt.draining();
        if (bodyAllowed) {
            CompressionConfig compression = route.config().compression();
            encoder = ResponseCompression.begin(compression != null ? compression : rt.config().compression(),
                    request.headers(), code, out, cctx.alloc());
        }
        if (!client.h2) {
            if (bodyAllowed && !out.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                if (head.http10()) {
                    clientKeepAlive = false; // HTTP/1.0 has no chunked encoding: the body ends with the connection
                } else {
                    out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
            }
            if (!clientKeepAlive) {
                out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (head.http10()) {
                out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        applyResponsePolicies(out);
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, res.status(), out);
    }

    /**
     * The upstream accepted the WebSocket upgrade: the exchange ends here (logged as 101) and both
     * connections become a {@link WebSocketTunnel}; the upstream one never returns to the pool.
     */
    private void openTunnel(HttpResponse res) {
        HttpHeaders out = CHECKED_HEADERS.newHeaders();
        HeaderRules.copyEndToEnd(res.headers(), out, Problems.X_REQUEST_ID);
        out.set(Problems.X_REQUEST_ID, requestId);
        applyResponsePolicies(out);
        status = 101;
        responseStarted = true;
        responseComplete = true;
        Channel upstreamChannel = up;
        up = null;
        upHandler.detach();
        finish();
        client.tunnelOpened(this);
        WebSocketTunnel.open(rt, cctx.channel(), upstreamChannel, WebSocketHandshake.switchingProtocols(out));
    }

    void onUpstreamReadComplete() {
        if (done) {
            return;
        }
        cctx.flush();
        if (responseComplete) {
            return;
        }
        if (!cctx.channel().isWritable() && !waitClientWritable) {
            // backpressure: stop reading the upstream until the client drains what it has
            waitClientWritable = true;
            clientQuietSince = System.nanoTime();
            up.config().setAutoRead(false);
        }
    }

    void onClientWritable() {
        if (waitClientWritable && !done && up != null) {
            waitClientWritable = false;
            clientQuietSince = System.nanoTime();
            upstreamQuietSince = System.nanoTime();
            up.config().setAutoRead(true);
        }
    }

    /**
     * The response was fully written to the client (its last write is {@code lastWrite}, only listened
     * to when the connection or stream is not reused).
     */
    private void complete(ChannelFuture lastWrite, boolean reuse) {
        releaseUpstream(upstreamReusable && requestComplete);
        finish();
        if (reuse) {
            client.exchangeDone(this, true);
        } else {
            lastWrite.addListener(f -> client.exchangeDone(this, false));
        }
    }

    // ---- failures ----------------------------------------------------------------------------

    void onUpstreamClosed(Throwable cause) {
        if (done) {
            return;
        }
        if (!responseStarted && !retried && !head.hasBody() && upHandler != null && upHandler.refused()) {
            // HTTP/2: the endpoint refused the stream (REFUSED_STREAM, or beyond a GOAWAY's last stream id),
            // so it did not process the request: it goes once more on a new stream of the same endpoint
            retried = true;
            releaseUpstream(false);
            acquire(attempts.current());
            return;
        }
        if (!responseStarted && reusedConnection && !retried && !head.hasBody() && isSafe(head.method())) {
            // A pooled connection the upstream closed just as we reused it. The upstream may or may not
            // have processed the request, so only a safe method (no body, no side effects) is retried,
            // once, on a fresh connection.
            retried = true;
            releaseUpstream(false);
            acquire(attempts.current());
            return;
        }
        attempts.failed();
        if (!responseStarted && !head.hasBody() && UpstreamAttempts.idempotent(head.method())) {
            // reset before any response byte: the request may have been processed, so only an idempotent one goes elsewhere
            releaseUpstream(false);
            if (retryElsewhere()) {
                return;
            }
        }
        upstreamFailed(cause != null && isTls(cause) ? "tls" : "reset", HttpResponseStatus.BAD_GATEWAY,
                "the upstream closed the connection before the response was complete");
    }

    /**
     * Names the upstream when it is on this host (a local app that is not running, as with the embedded
     * default before the reference app starts); a remote upstream's address stays private.
     */
    static String unreachable(EndpointConfig up) {
        String host = up.host();
        boolean local = host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1");
        return local ? "the upstream " + up.authority() + " on this host refused the connection (is it running?)"
                : "the upstream refused the connection or could not be reached";
    }

    private static boolean isSafe(HttpMethod m) {
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.TRACE.equals(m);
    }

    private void upstreamFailed(String kind, HttpResponseStatus status, String detail) {
        rt.metrics().upstreamError(routeId, kind);
        if (responseStarted) {
            abort();
        } else {
            respondError(status, detail, false, false);
        }
    }

    void onClientClosed() {
        if (done) {
            return;
        }
        if (!responseStarted) {
            status = 499; // client closed the request (nginx's convention)
        }
        releaseUpstream(false);
        finish();
        client.exchangeDone(this, false);
    }

    /** The response already started: the only honest thing left is to cut the client off. */
    private void abort() {
        releaseUpstream(false);
        finish();
        client.exchangeDone(this, false);
    }

    /**
     * Answers with a problem response before any response byte was sent. The connection (or stream)
     * stays usable only if the request is fully read or had no body, and nothing forbids it.
     */
    private void respondError(HttpResponseStatus st, String detail, boolean closeConnection, boolean goAway) {
        respond(st, detail, true, HttpHeaders.EMPTY_HEADERS, closeConnection, goAway);
    }

    /** A gateway-made response: a problem+json body, or none; the policies' response hooks apply. */
    private void respond(HttpResponseStatus st, String detail, boolean problem, HttpHeaders extra,
                         boolean closeConnection, boolean goAway) {
        if (responseStarted) {
            abort();
            return;
        }
        boolean headRequest = head != null && HttpMethod.HEAD.equals(head.method());
        FullHttpResponse res;
        if (problem) {
            res = Problems.response(cctx.alloc(), st, detail, requestId, headRequest);
        } else {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, Unpooled.EMPTY_BUFFER);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set(Problems.X_REQUEST_ID, requestId);
        }
        if (!extra.isEmpty()) {
            for (var e : extra) {
                if (HeaderRules.validName(e.getKey()) && HeaderRules.validValue(e.getValue())
                        && !HeaderRules.isHopByHop(e.getKey())) {
                    res.headers().add(e.getKey(), e.getValue());
                }
            }
        }
        applyResponsePolicies(res.headers()); // also on 400s for unparseable requests (nginx's "always")
        boolean bodyPending = head == null || (head.hasBody() && !requestComplete);
        boolean reuse = !closeConnection && !bodyPending && (client.h2 || (head.keepAlive() && !rt.draining()));
        if (!client.h2 && !reuse) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        status = st.code();
        responseStarted = true;
        ChannelFuture f = cctx.writeAndFlush(res, reuse ? cctx.voidPromise() : cctx.newPromise()); // void: no one listens
        releaseUpstream(false);
        finish();
        if (goAway) {
            client.goAwayConnection();
        }
        if (reuse) {
            client.exchangeDone(this, true);
        } else {
            f.addListener(x -> client.exchangeDone(this, false));
        }
    }

    private void respondHealth() {
        FullHttpResponse res = Health.response(cctx.alloc(), rt.draining(), HttpMethod.HEAD.equals(head.method()));
        res.headers().set(Problems.X_REQUEST_ID, requestId);
        boolean reuse = !head.hasBody() && (client.h2 || clientKeepAlive);
        if (!client.h2 && !reuse) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        status = res.status().code();
        responseStarted = true;
        ChannelFuture f = cctx.writeAndFlush(res, reuse ? cctx.voidPromise() : cctx.newPromise()); // void: no one listens
        finish();
        if (reuse) {
            client.exchangeDone(this, true);
        } else {
            f.addListener(x -> client.exchangeDone(this, false));
        }
    }

    private void releaseUpstream(boolean reusable) {
        if (pendingContent != null) {
            pendingContent.release();
            pendingContent = null;
        }
        Channel ch = up;
        if (ch == null) {
            return;
        }
        up = null;
        upHandler.detach();
        if (reusable) {
            rt.pool(cctx.channel().eventLoop()).release(ch);
        } else {
            ch.close();
        }
    }

    // ---- time ----------------------------------------------------------------------------------

    private void armTimer(long delayNanos) {
        timer = cctx.executor().schedule(this::onTimer, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (done) {
            return;
        }
        long now = System.nanoTime();
        long deadline = startNanos + rt.timeouts().request().toNanos();
        if (now - deadline >= 0) {
            upstreamFailed("timeout", HttpResponseStatus.GATEWAY_TIMEOUT,
                    "the request did not complete within " + Problems.duration(rt.timeouts().request()));
            return;
        }
        long quietLimit = attempts.responseTimeout().toNanos();
        boolean waitingOnUpstream = up != null && requestComplete && !waitClientWritable;
        if (waitingOnUpstream && now - upstreamQuietSince >= quietLimit) {
            attempts.failed();
            upstreamFailed("timeout", HttpResponseStatus.GATEWAY_TIMEOUT,
                    "the upstream did not respond within " + Problems.duration(attempts.responseTimeout()));
            return;
        }
        // the client is the slow side: it stopped sending its body, or stopped taking the response
        long clientLimit = rt.timeouts().clientIdle().toNanos();
        boolean waitingOnClient = waitClientWritable || (up != null && !requestComplete && !waitUpstreamWritable);
        if (waitingOnClient && now - clientQuietSince >= clientLimit) {
            respondError(HttpResponseStatus.REQUEST_TIMEOUT, "the client sent no data for "
                    + Problems.duration(rt.timeouts().clientIdle()) + " while a request body was expected", true, false);
            return;
        }
        long next = deadline - now;
        next = Math.min(next, waitingOnUpstream ? upstreamQuietSince + quietLimit - now : quietLimit);
        if (waitingOnClient) {
            next = Math.min(next, clientQuietSince + clientLimit - now);
        }
        armTimer(next);
    }

    // ---- bookkeeping -------------------------------------------------------------------------

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        if (attempts != null) {
            attempts.end();
        }
        if (acquiring != null) {
            acquiring.cancel(false);
            acquiring = null;
        }
        if (encoder != null) {
            encoder.close(); // frees the compressor's native memory however the response ended
            encoder = null;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        long duration = System.nanoTime() - startNanos;
        rt.metrics().request(routeId, client.h2, status, duration);
        if (AccessLog.enabled()) {
            AccessLog.log(requestId, client.h2 ? "HTTP/2" : request.protocolVersion().text(),
                    request.method().name(), head == null ? null : head.authority(),
                    head == null ? null : head.path(), status, bytesIn, bytesOut, duration, routeId,
                    attempts == null ? null : attempts.endpointId(),
                    clientAddress == null ? null : clientAddress.getHostAddress());
        }
    }

    private String requestId(HttpHeaders headers) {
        if (rt.config().trustIncomingRequestId()) {
            String incoming = headers.get(Problems.X_REQUEST_ID);
            if (incoming != null && RequestIds.isWellFormed(incoming)) {
                return incoming;
            }
        }
        return RequestIds.generate();
    }

    // ---- RequestContext ----------------------------------------------------------------------

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String host() {
        return head == null ? "" : head.host(); // no head: the request could not be parsed
    }

    @Override
    public String path() {
        return head == null ? "" : head.path();
    }

    @Override
    public String query() {
        return head == null ? null : head.query();
    }

    @Override
    public HttpHeaders requestHeaders() {
        return request.headers();
    }

    @Override
    public InetAddress clientAddress() {
        if (clientAddress == client.peer && head != null && !rt.trustedProxies().isEmpty()) {
            clientAddress = ForwardedHeaders.compute(request.headers(), client.connection, client.scheme, head.authority(),
                    rt.trustedProxies()).client();
        }
        return clientAddress;
    }

    @Override
    public boolean secure() {
        return "https".equals(client.scheme);
    }

    @Override
    public java.security.cert.X509Certificate clientCertificate() {
        return client.clientCertificate;
    }

    @Override
    public String protocol() {
        return client.h2 ? "HTTP/2" : request.protocolVersion().text();
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public void principal(Principal p) {
        this.principal = p;
    }

    @Override
    public <T> T attr(AttrKey<T> key) {
        Object[] a = attrs;
        return a == null || key.index() >= a.length ? null : key.cast(a[key.index()]);
    }

    @Override
    public <T> void attr(AttrKey<T> key, T value) {
        if (attrs == null || key.index() >= attrs.length) {
            attrs = java.util.Arrays.copyOf(attrs == null ? new Object[0] : attrs, Math.max(8, key.index() + 1));
        }
        attrs[key.index()] = value;
    }
}
