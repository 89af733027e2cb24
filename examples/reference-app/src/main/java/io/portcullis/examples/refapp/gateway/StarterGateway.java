package io.portcullis.examples.refapp.gateway;

import io.portcullis.examples.refapp.RefAppProperties;
import io.portcullis.spring.GatewayConfigCustomizer;
import io.portcullis.spring.PortcullisGateway;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code refapp.gateway.enabled=true}, {@link ReferenceGateway} runs in this JVM through the
 * Spring Boot starter ({@code portcullis-spring-boot-starter}): its routes and HTTPS listener are
 * added to the starter's configuration, pointed at the port the app's server bound. The starter
 * starts it once the app listens and drains it before the app's server stops. The one-command demo
 * (app + gateway) and the end-to-end tests; {@link ReferenceGateway#main} and
 * {@code portcullis.yaml} run the same gateway standalone.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("refapp.gateway.enabled")
public class StarterGateway {
    private static final Logger LOG = LoggerFactory.getLogger(StarterGateway.class);

    /** The port the app's server bound, once it has (before the starter starts the gateway); -1 before. */
    private final AtomicInteger appPort = new AtomicInteger(-1);

    @Bean
    ApplicationListener<WebServerInitializedEvent> appPortListener() {
        return event -> appPort.set(event.getWebServer().getPort());
    }

    /** ReferenceGateway's listener, policies and routes, for the app's bound port. */
    @Bean
    GatewayConfigCustomizer referenceGateway(RefAppProperties properties) {
        RefAppProperties.Gateway g = properties.gateway();
        if (g.certificate() == null || g.privateKey() == null) {
            throw new IllegalStateException("refapp.gateway.certificate and refapp.gateway.private-key are required "
                    + "(PEM files; see examples/reference-app/README.md)");
        }
        RefAppProperties.Tokens t = properties.tokens();
        return builder -> {
            // the starter validates once before the app's server has a port (a stand-in does), and builds with the
            // real one; the port comes from the server's event: asking Tomcat before it starts makes a connector
            int port = appPort.get();
            String appUrl = port > 0 ? "http://127.0.0.1:" + port : ReferenceGateway.Settings.defaults().appUrl();
            ReferenceGateway.Settings settings = new ReferenceGateway.Settings(appUrl, t.issuer(), t.audience(),
                    g.jwksMinRefresh());
            ReferenceGateway.addRoutes(builder, settings)
                    .listener(ReferenceGateway.https(g.bind(), g.httpsPort(), Path.of(g.certificate()), Path.of(g.privateKey())));
        };
    }

    /** Prints the curl walkthrough once the app and its gateway are up. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> gatewayWalkthrough(PortcullisGateway gateway, RefAppProperties properties) {
        return event -> LOG.info(walkthrough("https://localhost:" + gateway.address("https").getPort(),
                properties.gateway().certificate()));
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
}
