package io.portcullis.spring;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.ratelimit.RateLimitProvider;
import io.portcullis.spring.internal.OnGatewayConfiguredCondition;
import io.portcullis.spring.redis.SpringDataRedisUri;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * When the application has Spring Data Redis on lettuce (a {@link LettuceConnectionFactory} bean,
 * e.g. from {@code spring.data.redis.*}), {@code rate-limit} policies with {@code backend: redis}
 * that name no {@code redis} URI of their own use the application's Redis: its host and port (or
 * sentinels, cluster nodes), database, user, password and TLS. The gateway opens its own
 * connection there (its own timeouts, queue bound and reconnect pace), not the application's.
 *
 * <p>Declare a {@link RateLimitProvider} bean to choose otherwise ({@code new RateLimitProvider()}
 * restores the core's default, {@code redis://127.0.0.1:6379}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({Gateway.class, LettuceConnectionFactory.class})
@Conditional(OnGatewayConfiguredCondition.class)
public class PortcullisRedisAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PortcullisRedisAutoConfiguration.class);

    /** The {@code rate-limit} policy type, defaulting to the application's Redis. */
    @Bean
    @ConditionalOnMissingBean(RateLimitProvider.class)
    @ConditionalOnSingleCandidate(LettuceConnectionFactory.class)
    public RateLimitProvider portcullisRateLimitProvider(LettuceConnectionFactory redis) {
        SpringDataRedisUri target = SpringDataRedisUri.of(redis);
        LOG.debug("Portcullis rate limits with backend redis and no redis URI use the application's Redis: {}", target);
        return new RateLimitProvider(target.uri(), target.cluster());
    }
}
