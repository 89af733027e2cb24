package io.portcullis.gateway.ratelimit.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.portcullis.gateway.policy.BackendStatus;
import io.portcullis.gateway.policy.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared, multiplexed lettuce connection (standalone, Sentinel or Cluster) for every Redis
 * limit naming the same URI, with a gateway's settings rather than lettuce's defaults: a command
 * timeout of tens of milliseconds instead of 60 s, commands rejected at once while disconnected
 * instead of buffered, and a bounded request queue. Only the asynchronous API is used.
 */
final class RedisConnection implements AutoCloseable, BackendStatus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);
    static final String SCRIPT = loadScript();
    static final String SHA = sha1(SCRIPT);

    private final String name;
    private final RedisURI uri;
    private final boolean cluster;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final ProviderContext context;
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisScriptingAsyncCommands<String, String> commands;
    private volatile boolean closed;
    /** The latest connect attempt; close() lets it finish so its channel is released before the event loops stop. */
    private volatile CompletableFuture<?> connecting = CompletableFuture.completedFuture(null);
    private int attempts;

    RedisConnection(String uriText, boolean cluster, Duration timeout, int queueSize, ProviderContext context) {
        this.uri = RedisURI.create(uriText);
        this.name = redact(uri);
        this.cluster = cluster;
        this.context = context;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                // lettuce backs off to 30 s between reconnects; a limiter should be back within seconds
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        if (cluster) {
            RedisClusterClient c = RedisClusterClient.create(resources, uri);
            c.setOptions(gatewayOptions(ClusterClientOptions.builder(), socket, timeouts, queueSize).build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(gatewayOptions(ClientOptions.builder(), socket, timeouts, queueSize).build());
            this.client = c;
        }
    }

    /** A gateway's lettuce settings, the same for standalone and cluster clients. */
    private static <B extends ClientOptions.Builder> B gatewayOptions(B b, SocketOptions socket, TimeoutOptions timeouts,
                                                                    int queueSize) {
        b.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(queueSize)
                .socketOptions(socket)
                .timeoutOptions(timeouts);
        return b;
    }

    /** Connects in the background; until connected, calls fail at once. Lettuce reconnects by itself later. */
    RedisConnection start() {
        connect();
        return this;
    }

    private void connect() {
        if (closed) {
            return;
        }
        CompletionStage<? extends StatefulConnection<String, String>> f = cluster
                ? ((RedisClusterClient) client).connectAsync(StringCodec.UTF8)
                : ((RedisClient) client).connectAsync(StringCodec.UTF8, uri);
        connecting = f.toCompletableFuture();
        f.whenComplete((c, err) -> {
            if (err != null) {
                attempts++;
                if (attempts == 1 || attempts % 30 == 0) {
                    LOG.warn("Redis {}: cannot connect ({}); rate limits on it apply their failure policy meanwhile",
                            name, rootMessage(err));
                }
                try {
                    context.schedule(this::connect, Duration.ofMillis(Math.min(10_000, 250L << Math.min(attempts, 6))));
                } catch (RejectedExecutionException gatewayClosing) {
                    // nothing to retry for
                }
                return;
            }
            if (closed) {
                c.closeAsync();
                return;
            }
            connection = c;
            commands = c instanceof StatefulRedisClusterConnection<String, String> cc ? cc.async()
                    : ((StatefulRedisConnection<String, String>) c).async();
            LOG.info("Redis {}: connected{}", name, attempts > 0 ? " after " + attempts + " failed attempt(s)" : "");
        });
    }

    /** Runs the GCRA script on {@code key}; loads it again if Redis lost it (NOSCRIPT after a restart or SCRIPT FLUSH). */
    CompletableFuture<List<Object>> gcra(String key, long intervalMicros, long toleranceMicros, long want) {
        RedisScriptingAsyncCommands<String, String> c = commands;
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis " + name));
        }
        String[] keys = {key};
        String[] args = {Long.toString(intervalMicros), Long.toString(toleranceMicros), Long.toString(want)};
        return c.<List<Object>>evalsha(SHA, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                .exceptionallyCompose(e -> cause(e) instanceof RedisNoScriptException
                        ? c.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                        : CompletableFuture.failedFuture(e));
    }

    @Override
    public String type() {
        return "redis";
    }

    /** Host and port (or the sentinel and master), never the password. */
    @Override
    public String name() {
        return name;
    }

    /** Whether commands can be sent now; while not, they fail at once (no timeout to pay). */
    boolean connected() {
        StatefulConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    @Override
    public boolean up() {
        return !closed && connected();
    }

    @Override
    public void close() {
        closed = true;
        try {
            // stopping the event loops under an attempt still connecting would leak its channel's read buffer
            connecting.get(2, TimeUnit.SECONDS);
        } catch (Exception failedOrSlow) {
            // a failed attempt has closed its channel; a slow one is cut off by the shutdown below
        }
        StatefulConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    static Throwable cause(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String redact(RedisURI uri) {
        if (!uri.getSentinels().isEmpty()) {
            RedisURI s = uri.getSentinels().get(0);
            return "redis-sentinel://" + s.getHost() + ":" + s.getPort() + " (master " + uri.getSentinelMasterId() + ")";
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort(); // never the password
    }

    private static String loadScript() {
        try (InputStream in = RedisConnection.class.getResourceAsStream("gcra.lua")) {
            if (in == null) {
                throw new IllegalStateException("gcra.lua missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Redis " + name;
    }
}
