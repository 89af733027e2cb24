package io.portcullis.gateway.internal.acme;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.portcullis.gateway.internal.tls.PemFiles;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACME storage shared by gateway nodes in one Redis, under a key prefix, for the certificate named
 * by its first domain:
 * <ul>
 *   <li>{@code <prefix>account}: the account key (PEM), created by the first node ({@code SET NX});</li>
 *   <li>{@code <prefix>cert:<domain>}: a hash with the certificate's {@code key} and {@code chain} (PEM);</li>
 *   <li>{@code <prefix>lock:<domain>}: who may order ({@code SET NX PX} with a random token, extended
 *       while the order runs, released by a compare-and-delete script, so a crashed node's lock expires);</li>
 *   <li>{@code <prefix>orders:<domain>}: how many orders were placed;</li>
 *   <li>{@code <prefix>http-01:<token>}, {@code <prefix>tls-alpn-01:<host>}: pending challenges (expiring),
 *       so that whichever node the CA reaches can answer;</li>
 *   <li>channel {@code <prefix>events}: {@code stored:<domain>} when a node stored a certificate.</li>
 * </ul>
 * Challenge lookups are asynchronous (lettuce), bounded in number, and never block an event loop.
 */
public final class RedisAcmeStore implements AcmeStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAcmeStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOCK_TTL = Duration.ofSeconds(60);
    private static final Duration CHALLENGE_TTL = Duration.ofMinutes(10);
    /** Challenge lookups in flight at once; beyond, a lookup answers "none" (a flood of bogus tokens costs Redis little). */
    private static final int MAX_LOOKUPS = 64;
    private static final String EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final String domain;
    private final String name;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final List<Runnable> storedListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();

    /** Connects (blocking: call at start, off any event loop); throws if Redis cannot be reached. */
    public RedisAcmeStore(String uri, String keyPrefix, String domain) {
        this.prefix = keyPrefix;
        this.domain = domain;
        RedisURI redisUri = RedisURI.create(uri);
        this.name = (redisUri.isSsl() ? "rediss://" : "redis://") + redisUri.getHost() + ":" + redisUri.getPort()
                + " (prefix " + keyPrefix + ")"; // never the password
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        this.client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
            this.connection = client.connect(StringCodec.UTF8);
            this.redis = connection.async();
            this.events = client.connectPubSub(StringCodec.UTF8);
            events.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (message.equals("stored:" + domain)) {
                        storedListeners.forEach(Runnable::run);
                    }
                }
            });
            events.sync().subscribe(prefix + "events");
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot connect to Redis " + name + ": " + e.getMessage(), e);
        }
        LOG.info("ACME {}: storage shared in Redis {}", domain, name);
    }

    private static <T> T await(RedisFuture<T> f) throws Exception {
        return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public KeyPair accountKey() throws Exception {
        String key = prefix + "account";
        String pem = await(redis.get(key));
        if (pem == null) {
            KeyPair created = KeyFiles.generate("ec-p256");
            String candidate = KeyFiles.pem("PRIVATE KEY", created.getPrivate().getEncoded())
                    + KeyFiles.pem("PUBLIC KEY", created.getPublic().getEncoded());
            await(redis.set(key, candidate, SetArgs.Builder.nx())); // another node may have been first: read back
            pem = await(redis.get(key));
        }
        return new KeyPair(PemFiles.readPublicKey(pem, "redis " + key), PemFiles.readPrivateKey(pem, "redis " + key));
    }

    @Override
    public Stored certificate() throws Exception {
        Map<String, String> h = await(redis.hgetall(prefix + "cert:" + domain));
        return h == null || h.get("key") == null || h.get("chain") == null ? null : new Stored(h.get("key"), h.get("chain"));
    }

    @Override
    public void saveCertificate(Stored certificate) throws Exception {
        await(redis.hset(prefix + "cert:" + domain, Map.of("key", certificate.keyPem(), "chain", certificate.chainPem())));
        await(redis.publish(prefix + "events", "stored:" + domain));
    }

    @Override
    public Lock tryLock() throws Exception {
        String key = prefix + "lock:" + domain;
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        if (!"OK".equals(await(redis.set(key, token, SetArgs.Builder.nx().px(LOCK_TTL.toMillis()))))) {
            return null;
        }
        // extended while the order runs (it may wait minutes for validation); a crashed node's lock expires
        long every = LOCK_TTL.toMillis() / 3;
        ScheduledFuture<?> extend = resources.eventExecutorGroup().scheduleAtFixedRate(() ->
                redis.eval(EXTEND, ScriptOutputType.INTEGER, new String[] {key}, token, Long.toString(LOCK_TTL.toMillis()))
                        .whenComplete((n, e) -> {
                            if (e != null || !Long.valueOf(1).equals(n)) {
                                LOG.warn("ACME {}: could not extend the order lock in Redis {} ({})", domain, name,
                                        e != null ? e.toString() : "lost");
                            }
                        }), every, every, TimeUnit.MILLISECONDS);
        return () -> {
            extend.cancel(false);
            try {
                await(redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, token));
            } catch (Exception e) {
                LOG.warn("ACME {}: could not release the order lock in Redis {} ({}); it expires in {} s",
                        domain, name, e, LOCK_TTL.toSeconds());
            }
        };
    }

    @Override
    public long countOrder() throws Exception {
        return await(redis.incr(prefix + "orders:" + domain));
    }

    @Override
    public void publishHttp01(String token, String keyAuthorization) throws Exception {
        await(redis.set(prefix + "http-01:" + token, keyAuthorization, SetArgs.Builder.px(CHALLENGE_TTL.toMillis())));
    }

    @Override
    public void withdrawHttp01(String token) {
        redis.del(prefix + "http-01:" + token);
    }

    @Override
    public void publishTlsAlpn01(String host, Stored challenge) throws Exception {
        String key = prefix + "tls-alpn-01:" + host;
        await(redis.hset(key, Map.of("key", challenge.keyPem(), "chain", challenge.chainPem())));
        await(redis.pexpire(key, CHALLENGE_TTL.toMillis()));
    }

    @Override
    public void withdrawTlsAlpn01(String host) {
        redis.del(prefix + "tls-alpn-01:" + host);
    }

    @Override
    public CompletionStage<String> http01(String token) {
        return bounded(() -> redis.get(prefix + "http-01:" + token));
    }

    @Override
    public CompletionStage<Stored> tlsAlpn01(String host) {
        return bounded(() -> redis.hgetall(prefix + "tls-alpn-01:" + host)).thenApply(h ->
                h == null || h.get("key") == null || h.get("chain") == null ? null : new Stored(h.get("key"), h.get("chain")));
    }

    private <T> CompletionStage<T> bounded(java.util.function.Supplier<RedisFuture<T>> lookup) {
        if (lookups.incrementAndGet() > MAX_LOOKUPS) {
            lookups.decrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        try {
            return lookup.get().toCompletableFuture().whenComplete((v, e) -> lookups.decrementAndGet());
        } catch (RuntimeException e) { // e.g. rejected while disconnected
            lookups.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void onCertificateStored(Runnable listener) {
        storedListeners.add(listener);
    }

    @Override
    public String describe() {
        return "Redis " + name;
    }

    @Override
    public void close() {
        events.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
