package io.portcullis.spring.redis;

import io.lettuce.core.SslVerifyMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisSocketConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis a Spring Data Redis {@link LettuceConnectionFactory} connects to, as the Redis URI the
 * gateway's {@code rate-limit} policy takes: host and port (or sentinels, cluster nodes, a Unix
 * socket), database, user and password, TLS and peer verification. What a URI cannot say (an SSL
 * bundle's private trust store, a credentials provider, client options) is not carried over.
 *
 * @param uri     e.g. {@code rediss://app:s3cret@cache.internal:6380/2}
 * @param cluster whether {@code uri} names one node of a Redis Cluster
 */
public record SpringDataRedisUri(String uri, boolean cluster) {

    /** The URI of what {@code factory} is configured to connect to. */
    public static SpringDataRedisUri of(LettuceConnectionFactory factory) {
        boolean tls = factory.isUseSsl();
        SslVerifyMode verify = factory.getClientConfiguration().getVerifyMode();
        String query = tls && verify != null && verify != SslVerifyMode.FULL ? "?verifyPeer=" + verify.name() : "";
        if (factory.getClusterConfiguration() != null && factory.isClusterAware()) {
            RedisClusterConfiguration c = factory.getClusterConfiguration();
            RedisNode seed = c.getClusterNodes().iterator().next(); // lettuce discovers the others from any node
            return new SpringDataRedisUri((tls ? "rediss://" : "redis://") + userInfo(c.getUsername(), c.getPassword())
                    + hostPort(seed) + query, true);
        }
        if (factory.getSentinelConfiguration() != null && factory.isRedisSentinelAware()) {
            RedisSentinelConfiguration s = factory.getSentinelConfiguration();
            String sentinels = s.getSentinels().stream().map(SpringDataRedisUri::hostPort).collect(Collectors.joining(","));
            return new SpringDataRedisUri((tls ? "rediss-sentinel://" : "redis-sentinel://")
                    + userInfo(s.getUsername(), s.getPassword()) + sentinels + "/" + s.getDatabase() + query
                    + "#" + s.getMaster().getName(), false);
        }
        RedisSocketConfiguration socket = factory.getSocketConfiguration();
        if (socket != null) {
            return new SpringDataRedisUri("redis-socket://" + socket.getSocket() + "?database=" + socket.getDatabase(), false);
        }
        RedisStandaloneConfiguration c = factory.getStandaloneConfiguration();
        return new SpringDataRedisUri((tls ? "rediss://" : "redis://") + userInfo(c.getUsername(), c.getPassword())
                + host(c.getHostName()) + ":" + c.getPort() + "/" + c.getDatabase() + query, false);
    }

    private static String userInfo(String username, RedisPassword password) {
        if (password == null || !password.isPresent()) {
            return username == null || username.isEmpty() ? "" : encode(username) + "@";
        }
        String pw = encode(new String(password.get()));
        return (username == null || username.isEmpty() ? "" : encode(username)) + ":" + pw + "@";
    }

    private static String hostPort(RedisNode node) {
        return host(node.getHost()) + ":" + node.getPortOr(6379);
    }

    private static String host(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host; // IPv6 literal
    }

    /** Percent-encoding for the user-info part: a password may hold '@', ':' or '/'. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The URI without its password, for logs. */
    @Override
    public String toString() {
        return uri.replaceFirst("^([a-z-]+://)([^@/]*:)[^@/]*@", "$1$2<redacted>@");
    }
}
