package io.portcullis.server.internal.cli;

import io.portcullis.server.ExitCodes;
import io.portcullis.server.PortcullisServer;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import io.portcullis.server.internal.ConfigReloader;
import io.portcullis.server.internal.EmbeddedDefault;
import io.portcullis.server.internal.Versions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code portcullis run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the gateway until SIGTERM or SIGINT (graceful: in-flight requests finish).",
                "Without --config: the embedded default (HTTPS on 8443 with a development certificate,"
                        + " HTTP 8080 redirecting, security headers, rate limits, the reference app on 127.0.0.1:9080).",
                "With --config: SIGHUP or a change of the file reloads routes and policies; an invalid file is"
                        + " logged and the running configuration kept."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:PORTCULLIS_CONFIG}",
            description = "YAML configuration file (default: $PORTCULLIS_CONFIG; neither: the embedded default)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "embedded default: where the development certificate is kept (default: $PORTCULLIS_DATA or ./data)")
    Path dataDir;

    @Option(names = "--https-port", description = "embedded default: HTTPS port (default 8443)")
    Integer httpsPort;

    @Option(names = "--http-port", description = "embedded default: HTTP port that redirects (default 8080)")
    Integer httpPort;

    @Option(names = "--admin-port", description = "embedded default: admin port on 127.0.0.1 (default 9901)")
    Integer adminPort;

    @Option(names = "--upstream", paramLabel = "URL", description = "embedded default: the app (default http://127.0.0.1:9080)")
    String upstream;

    @Option(names = "--watch-interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "with --config: how often the file is checked for changes; 0s turns watching off (default: ${DEFAULT-VALUE})")
    String watchInterval;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new HashMap<>();
        if (dataDir != null) {
            overrides.put("PORTCULLIS_DATA", dataDir.toString());
        }
        if (httpsPort != null) {
            overrides.put("PORTCULLIS_HTTPS_PORT", String.valueOf(httpsPort));
        }
        if (httpPort != null) {
            overrides.put("PORTCULLIS_HTTP_PORT", String.valueOf(httpPort));
        }
        if (adminPort != null) {
            overrides.put("PORTCULLIS_ADMIN_PORT", String.valueOf(adminPort));
        }
        if (upstream != null) {
            overrides.put("PORTCULLIS_UPSTREAM", upstream);
        }
        if (config != null && !overrides.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--data-dir, --https-port, --http-port, --admin-port and --upstream apply to the embedded default"
                            + " only (with --config, set them in the file)");
        }
        Duration interval = parseInterval();
        Function<String, String> env = name -> overrides.containsKey(name) ? overrides.get(name) : System.getenv(name);
        ConfigLoader loader = new ConfigLoader(env);
        LOG.info("Portcullis {} starting ({})", Versions.portcullis(), config == null ? "embedded default" : config);
        ServerConfig cfg = config != null ? loader.load(config) : EmbeddedDefault.load(env);
        PortcullisServer server = PortcullisServer.start(cfg, loader);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "portcullis-shutdown"));
        AtomicInteger stopSignals = new AtomicInteger();
        SignalHandler onStop = s -> {
            if (stopSignals.incrementAndGet() > 1) {
                // a second Ctrl-C or SIGTERM while draining: the operator does not want to wait
                LOG.warn("Second {} while draining: exiting now", s.getName());
                Runtime.getRuntime().halt(ExitCodes.FAILURE);
            }
            stop.countDown();
        };
        handle("TERM", onStop);
        handle("INT", onStop);
        ConfigReloader reloader = null;
        if (config != null) {
            reloader = new ConfigReloader(server, loader, config, interval);
            ConfigReloader r = reloader;
            handle("HUP", s -> r.reloadSoon("SIGHUP"));
        }
        if (config == null) {
            LOG.info(EmbeddedDefault.banner(server.addresses(),
                    EmbeddedDefault.dataDir(env).resolve("tls/self-signed.crt"),
                    server.adminAddress() == null ? 0 : server.adminAddress().getPort()));
        }
        LOG.info("Portcullis is ready");
        stop.await();
        LOG.info("Stopping: draining in-flight requests (up to {})", cfg.gateway().timeouts().drain());
        if (reloader != null) {
            reloader.close();
        }
        server.close();
        LOG.info("Stopped");
        return 0;
    }

    private Duration parseInterval() {
        String s = watchInterval.trim();
        Duration d = null;
        if (s.matches("[0-9]+(ms|s|m)")) {
            long n = Long.parseLong(s.replaceAll("[a-z]+$", ""));
            d = s.endsWith("ms") ? Duration.ofMillis(n) : s.endsWith("s") ? Duration.ofSeconds(n)
                    : Duration.ofMinutes(n);
        }
        if (d == null || (!d.isZero() && d.toMillis() < 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--watch-interval: '" + s + "' (expected: 0s, or a duration >= 100ms such as 2s)");
        }
        return d;
    }

    private static void handle(String signal, SignalHandler handler) {
        try {
            Signal.handle(new Signal(signal), handler);
        } catch (IllegalArgumentException e) {
            LOG.debug("Signal {} cannot be handled here: {}", signal, e.getMessage());
        }
    }
}
