package io.portcullis.examples.refapp.gateway;

import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.gateway.Gateway;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * With {@code refapp.gateway.enabled=true}, starts {@link ReferenceGateway} in this JVM once the
 * app listens, pointed at the app's actual port: the one-command demo (app + gateway) and the
 * end-to-end tests. Closed with the application context.
 */
@Component
@ConditionalOnBooleanProperty("refapp.gateway.enabled")
public class EmbeddedGateway implements ApplicationListener<WebServerInitializedEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedGateway.class);

    private final RefAppProperties properties;
    private volatile Gateway gateway;

    public EmbeddedGateway(RefAppProperties properties) {
        this.properties = properties;
    }

    @Override
    public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
        if (gateway != null) {
            return;
        }
        RefAppProperties.Gateway g = properties.gateway();
        if (g.certificate() == null || g.privateKey() == null) {
            throw new IllegalStateException("refapp.gateway.certificate and refapp.gateway.private-key are required "
                    + "(PEM files; see examples/reference-app/README.md)");
        }
        RefAppProperties.Tokens t = properties.tokens();
        ReferenceGateway.Settings settings = new ReferenceGateway.Settings(
                "http://127.0.0.1:" + event.getWebServer().getPort(), t.issuer(), t.audience(), g.jwksMinRefresh());
        Gateway started = ReferenceGateway.routes(settings)
                .listener(ReferenceGateway.https(g.bind(), g.httpsPort(), Path.of(g.certificate()), Path.of(g.privateKey())))
                .build();
        LOG.info("Portcullis in front of {}: {}", settings.appUrl(), started.start());
        gateway = started;
        LOG.info(walkthrough("https://localhost:" + started.address("https").getPort(), g.certificate()));
    }

    /** The short curl walkthrough printed at start (README.md has the full one). */
    static String walkthrough(String base, String certificate) {
        String c = "curl -sS --http2 --cacert " + certificate + " " + base;
        String json = " -H 'Content-Type: application/json' -d ";
        return String.join("\n",
                "Try it (HTTP/2 over TLS through the gateway; a self-signed certificate serves as its own CA):",
                "  " + c + "/auth/register" + json + "'{\"email\":\"ada@example.com\",\"password\":\"a long demo passphrase\"}'",
                "  # the verification token is in this log (refapp.mail); then:",
                "  " + c + "/auth/email/verify/confirm" + json + "'{\"token\":\"<token>\"}'",
                "  " + c + "/auth/login" + json + "'{\"email\":\"ada@example.com\",\"password\":\"a long demo passphrase\"}'",
                "  " + c + "/v1/users/me -H 'Authorization: Bearer <accessToken>'",
                "  # /v1/batch answers 429 after 25 calls a minute; /admin/ping answers 403 to a non-admin token");
    }

    /** The HTTPS listener's bound address (its port when configured with 0). */
    public InetSocketAddress address() {
        return gateway.address("https");
    }

    @Override
    public void close() {
        Gateway g = gateway;
        if (g != null) {
            g.close();
        }
    }
}
