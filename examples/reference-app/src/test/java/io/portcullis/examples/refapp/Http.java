package io.portcullis.examples.refapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON client over the JDK HttpClient for the tests: real HTTP against a base URI. */
public final class Http {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final String base;

    public Http(HttpClient client, String base) {
        this.client = client;
        this.base = base;
    }

    /** One answer: status, headers, body and the HTTP version it came over. */
    public record Response(int status, java.net.http.HttpHeaders headers, String body, HttpClient.Version version) {
        public JsonNode json() {
            return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        }

        public String text(String field) {
            return json().path(field).asString();
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path, String bearer, String... headers) {
        return send(builder(path, bearer, headers).GET());
    }

    public Response post(String path, Object body, String bearer, String... headers) {
        String json = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(builder(path, bearer, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, Map<String, ?> body) {
        return post(path, body, null);
    }

    private HttpRequest.Builder builder(String path, String bearer, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body(), r.version());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
