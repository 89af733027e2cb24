package io.portcullis.spring.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** A Spring Data Redis factory's settings survive the trip through a URI, as lettuce reads it back. */
class SpringDataRedisUriTest {

    @Test
    void standaloneWithUserPasswordDatabaseAndTls() {
        RedisStandaloneConfiguration c = new RedisStandaloneConfiguration("cache.internal", 6380);
        c.setDatabase(2);
        c.setUsername("app");
        c.setPassword(RedisPassword.of("p@ss:w/rd %#?"));
        LettuceConnectionFactory f = new LettuceConnectionFactory(c,
                LettuceClientConfiguration.builder().useSsl().verifyPeer(SslVerifyMode.CA).build());
        SpringDataRedisUri u = SpringDataRedisUri.of(f);
        assertThat(u.cluster()).isFalse();
        RedisURI read = RedisURI.create(u.uri());
        assertThat(read.getHost()).isEqualTo("cache.internal");
        assertThat(read.getPort()).isEqualTo(6380);
        assertThat(read.getDatabase()).isEqualTo(2);
        RedisCredentials credentials = read.getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("app");
        assertThat(new String(credentials.getPassword())).isEqualTo("p@ss:w/rd %#?");
        assertThat(read.isSsl()).isTrue();
        assertThat(read.getVerifyMode()).isEqualTo(SslVerifyMode.CA);
        assertThat(u.toString()).doesNotContain("p%40ss").contains("<redacted>").contains("cache.internal:6380/2");
    }

    @Test
    void plainStandaloneAsSpringBootConfiguresIt() {
        LettuceConnectionFactory f = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        assertThat(SpringDataRedisUri.of(f).uri()).isEqualTo("redis://127.0.0.1:6379/0");
    }

    @Test
    void sentinelsWithMasterAndDatabase() {
        RedisSentinelConfiguration s = new RedisSentinelConfiguration().master("mymaster")
                .sentinel("10.0.0.1", 26379).sentinel("10.0.0.2", 26380);
        s.setDatabase(1);
        s.setPassword(RedisPassword.of("secret"));
        RedisURI read = RedisURI.create(SpringDataRedisUri.of(new LettuceConnectionFactory(s)).uri());
        assertThat(read.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(read.getSentinels()).extracting(RedisURI::getPort).containsExactlyInAnyOrder(26379, 26380);
        assertThat(read.getDatabase()).isEqualTo(1);
        assertThat(new String(read.getCredentialsProvider().resolveCredentials().block().getPassword())).isEqualTo("secret");
    }

    @Test
    void clusterGivesOneSeedNodeAndTheClusterFlag() {
        RedisClusterConfiguration c = new RedisClusterConfiguration(List.of("10.0.0.5:7000", "10.0.0.6:7001"));
        SpringDataRedisUri u = SpringDataRedisUri.of(new LettuceConnectionFactory(c));
        assertThat(u.cluster()).isTrue();
        RedisURI read = RedisURI.create(u.uri());
        assertThat(read.getHost()).startsWith("10.0.0.");
    }
}
