package io.portcullis.server.internal;

import io.portcullis.server.PortcullisServer;
import io.portcullis.server.config.ConfigError;
import io.portcullis.server.config.ConfigLoader;
import io.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration file on request (SIGHUP) and when its content changes (polled: works
 * for editors that replace the file and for symlinked Kubernetes ConfigMaps, unlike inotify). A
 * file that does not load is logged with its position and the running configuration stays.
 * Everything runs on one thread of its own.
 */
public final class ConfigReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final PortcullisServer server;
    private final ConfigLoader loader;
    private final Path file;
    private final ScheduledExecutorService executor;
    private byte[] lastDigest;

    /** Starts watching {@code file} every {@code interval} (zero: only on {@link #reloadSoon}). */
    public ConfigReloader(PortcullisServer server, ConfigLoader loader, Path file, Duration interval) {
        this.server = server;
        this.loader = loader;
        this.file = file;
        this.lastDigest = digest();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-config-reload");
            t.setDaemon(true);
            return t;
        });
        if (!interval.isZero()) {
            executor.scheduleWithFixedDelay(this::checkForChange, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads now, on the reloader's thread (safe to call from a signal handler). */
    public void reloadSoon(String reason) {
        executor.execute(() -> {
            lastDigest = digest();
            reload(reason);
        });
    }

    private void checkForChange() {
        byte[] d = digest();
        if (d != null && !Arrays.equals(d, lastDigest)) {
            lastDigest = d;
            reload("file changed");
        }
    }

    /** Loads and applies the file; true if the new configuration is in force. */
    boolean reload(String reason) {
        try {
            ServerConfig next = loader.load(file);
            server.reload(next);
            LOG.info("Reloaded {} ({})", file, reason);
            return true;
        } catch (ConfigError e) {
            server.reloadFailed();
            LOG.error("Reload of {} ({}) failed; the running configuration stays:{}{}", file, reason,
                    System.lineSeparator(), e.getMessage());
        } catch (RuntimeException e) {
            server.reloadFailed();
            LOG.error("Reload of {} ({}) failed; the running configuration stays", file, reason, e);
        }
        return false;
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null; // being replaced, or gone: look again next time
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
