package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.reactive.TomcatReactiveWebServerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The starter in front of a reactive (WebFlux) app. Spring Boot's WebFlux starter is not available
 * to this build, so the app wires its reactive server itself (WebFlux on Tomcat); what the starter
 * sees, a reactive web server application context with a bound port, is the same.
 */
class ReactiveAppTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PortcullisAutoConfiguration.class)
    static class ReactiveApp {
        @Bean
        TomcatReactiveWebServerFactory serverFactory() {
            return new TomcatReactiveWebServerFactory(0);
        }

        @Bean
        HttpHandler httpHandler() {
            return RouterFunctions.toHttpHandler(RouterFunctions.route()
                    .GET("/hello", req -> ServerResponse.ok().bodyValue("hello reactive")).build());
        }
    }

    @Test
    void reactiveAppBehindTheGateway() throws Exception {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ReactiveApp.class)
                .web(WebApplicationType.REACTIVE)
                .properties(GatewayTestSupport.properties().toArray(String[]::new))
                .run();
        PortcullisGateway gateway = ctx.getBean(PortcullisGateway.class);
        try {
            int appPort = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(gateway.gateway().config().routes()).filteredOn(r -> r.id().equals("app")).singleElement()
                    .satisfies(r -> assertThat(r.upstream().url().getPort()).isEqualTo(appPort));
            HttpClient client = TestTls.shared().httpClient(HttpClient.Version.HTTP_2);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
                    "https://localhost:" + gateway.address("public").getPort() + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("hello reactive");
            assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(
                    "https://localhost:" + gateway.address("public").getPort() + "/api/x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        } finally {
            ctx.close();
        }
        assertThat(gateway.isRunning()).isFalse();
    }
}
