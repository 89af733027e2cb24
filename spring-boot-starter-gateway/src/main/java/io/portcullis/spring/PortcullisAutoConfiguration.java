package io.portcullis.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.gateway.AcmeChallenges;
import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.jwt.JwtKeySource;
import io.portcullis.gateway.jwt.JwtProvider;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.spring.internal.OnGatewayConfiguredCondition;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Runs the Portcullis gateway inside a Spring Boot application, configured by {@code portcullis.*}.
 * On when {@code portcullis.enabled=true}, or when it is unset and a listener or route is
 * configured. Replace any part by declaring a bean of its type: {@link GatewayFactory} (how the
 * {@link Gateway} is made, e.g. another meter registry), {@link PortcullisGateway} (the lifecycle);
 * add to the configuration with {@link GatewayConfigCustomizer} beans, policy types with
 * {@link PolicyProvider} beans (an instance of a built-in provider's class replaces the built-in),
 * and JWT keys with {@link JwtKeySource} beans.
 */
@AutoConfiguration
@ConditionalOnClass(Gateway.class)
@Conditional(OnGatewayConfiguredCondition.class)
@EnableConfigurationProperties(PortcullisProperties.class)
public class PortcullisAutoConfiguration {

    /**
     * {@code Gateway.create} with the application's meter registry, if it has exactly one, and every
     * {@link PolicyProvider} bean as a policy type (besides those found by ServiceLoader).
     */
    @Bean
    @ConditionalOnMissingBean
    public GatewayFactory portcullisGatewayFactory(ObjectProvider<MeterRegistry> meterRegistry,
                                                   ObjectProvider<PolicyProvider> policyProviders) {
        // resolved at start, after the metrics auto-configuration made its registry
        return new GatewayFactory() {
            @Override
            public Gateway create(GatewayConfig config) {
                return create(config, AcmeChallenges.NONE);
            }

            @Override
            public Gateway create(GatewayConfig config, AcmeChallenges acme) {
                return Gateway.create(config, meterRegistry.getIfUnique(), policyProviders.orderedStream().toList(), acme);
            }
        };
    }

    /**
     * The {@code jwt} policy type knowing the application's {@link JwtKeySource} beans by bean name:
     * an issuer with {@code keySource: <bean name>} uses that bean's keys. Declare a
     * {@link JwtProvider} bean to replace it.
     */
    @Bean
    @ConditionalOnMissingBean(JwtProvider.class)
    @ConditionalOnBean(JwtKeySource.class)
    public JwtProvider portcullisJwtProvider(Map<String, JwtKeySource> keySources) {
        return new JwtProvider(keySources);
    }

    @Bean
    @ConditionalOnMissingBean
    public PortcullisGateway portcullisGateway(PortcullisProperties properties, GatewayFactory factory,
                                               ObjectProvider<GatewayConfigCustomizer> customizers,
                                               ApplicationContext context) {
        return new PortcullisGateway(properties, factory, customizers.orderedStream().toList(), context);
    }
}
