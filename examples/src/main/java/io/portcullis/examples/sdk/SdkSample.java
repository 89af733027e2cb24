package io.portcullis.examples.sdk;

import io.portcullis.client.ClientRequest;
import io.portcullis.client.ClientResponse;
import io.portcullis.client.LoginTokenProvider;
import io.portcullis.client.PortcullisClient;
import io.portcullis.client.PortcullisException;
import io.portcullis.client.RateLimitedException;
import io.portcullis.client.RetryPolicy;
import io.portcullis.client.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Typical SDK use against the reference app behind the gateway: trust the gateway's dev CA, log in
 * once (tokens then refresh themselves), call the API, handle the typed errors.
 *
 * <pre>
 * java ... io.portcullis.examples.sdk.SdkSample https://localhost:8443 data/tls/ca.pem ada@example.com 'password'
 * </pre>
 */
public final class SdkSample {
    private SdkSample() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: SdkSample <gateway url> <ca.pem> <email> <password>");
            System.exit(2);
        }
        String gateway = args[0];
        TlsSettings tls = TlsSettings.builder().trustPem(Path.of(args[1])).build();
        try (PortcullisClient client = client(gateway, tls, args[2], args[3])) {
            ClientResponse me = client.get("/v1/users/me");
            System.out.println("me: " + me.bodyAsString() + " (over " + me.version() + ")");

            // a POST is retried (429, 503) only because it carries an Idempotency-Key; .json(object)
            // would encode with Jackson when the application has it
            ClientResponse answer = client.send(ClientRequest.post("/v1/prompt")
                    .body("{\"prompt\":\"how do tides work\"}", "application/json")
                    .idempotencyKey()
                    .name("prompt")
                    .build());
            System.out.println("prompt: " + answer.bodyAsString());
        } catch (RateLimitedException e) {
            System.err.println("rate limited, retry after " + e.retryAfter().orElse(null) + " (request id " + e.requestId() + ")");
        } catch (PortcullisException e) {
            System.err.println("failed: " + e.getMessage());
        }
    }

    /** One client per application: HTTP/2 to the gateway, the login flow, default retries with a 10 s deadline. */
    static PortcullisClient client(String gateway, TlsSettings tls, String email, String password) {
        return PortcullisClient.builder()
                .baseUrl(gateway)
                .tls(tls)
                .tokenProvider(LoginTokenProvider.builder(gateway).credentials(email, password).tls(tls).build())
                .retryPolicy(RetryPolicy.defaults())
                .deadline(Duration.ofSeconds(10))
                .build();
    }
}
