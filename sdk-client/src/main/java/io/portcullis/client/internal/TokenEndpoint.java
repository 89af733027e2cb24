package io.portcullis.client.internal;

import io.portcullis.client.PortcullisException;
import io.portcullis.client.TransportException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One POST to a token endpoint, answered by a JSON object; errors typed like the client's own. */
public final class TokenEndpoint {
    private final HttpClient http;
    private final Duration timeout;

    public TokenEndpoint(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    public static HttpClient httpClient(javax.net.ssl.SSLContext ssl, Duration connectTimeout) {
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public CompletableFuture<Map<String, Object>> post(URI uri, String contentType, String body,
                                                       Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", contentType).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        return http.sendAsync(b.build(), info -> new BoundedBody(BoundedBody.LIMIT)) // a token answer is small
                .handle((res, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw new TransportException("token endpoint " + uri + ": " + cause, null, cause);
                    }
                    if (res.statusCode() / 100 != 2) {
                        PortcullisException e = Errors.fromResponse("POST", uri.getPath(), res.statusCode(),
                                res.headers(), res.body(), null);
                        throw e;
                    }
                    Map<String, Object> json = MiniJson.parseObjectOrNull(new String(res.body(), StandardCharsets.UTF_8));
                    if (json == null) {
                        throw new PortcullisException("token endpoint " + uri + ": answer is not a JSON object",
                                res.statusCode(), res.headers().firstValue("x-request-id").orElse(null), null,
                                res.headers(), null);
                    }
                    return json;
                });
    }

    /** A required string member. */
    public static String string(Map<String, Object> json, String name, URI from) {
        Object v = json.get(name);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new PortcullisException("token endpoint " + from + ": no '" + name + "' in the answer", 200,
                    null, null, null, null);
        }
        return s;
    }

    /** An optional number member (seconds), -1 if absent. */
    public static long seconds(Map<String, Object> json, String name) {
        Object v = json.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
