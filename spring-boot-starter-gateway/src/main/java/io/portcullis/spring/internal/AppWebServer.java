package io.portcullis.spring.internal;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/** The application's own embedded web server; kept apart so the starter loads without spring-boot-web-server. */
public final class AppWebServer {
    private static final boolean PRESENT = ClassUtils.isPresent(
            "org.springframework.boot.web.server.context.WebServerApplicationContext", AppWebServer.class.getClassLoader());

    private AppWebServer() {
    }

    /** Whether the context runs an embedded web server (servlet or reactive). */
    public static boolean isWebServerContext(ApplicationContext context) {
        return PRESENT && context instanceof WebServerApplicationContext;
    }

    /** The port the server bound, or -1 when it has none (yet). */
    public static int port(ApplicationContext context) {
        WebServer server = ((WebServerApplicationContext) context).getWebServer();
        return server == null ? -1 : server.getPort();
    }
}
