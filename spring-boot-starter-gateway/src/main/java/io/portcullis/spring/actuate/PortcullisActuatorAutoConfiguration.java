package io.portcullis.spring.actuate;

import io.portcullis.spring.PortcullisAutoConfiguration;
import io.portcullis.spring.PortcullisGateway;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support, only when actuator is on the class path and the gateway is on: the
 * {@code portcullis} health indicator and the {@code /actuator/portcullis} endpoint (listeners and
 * routes; expose it with {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = PortcullisAutoConfiguration.class)
@ConditionalOnBean(PortcullisGateway.class)
public class PortcullisActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
    static class EndpointConfiguration {
        // (same as below)
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        PortcullisEndpoint portcullisEndpoint(PortcullisGateway gateway) {
            return new PortcullisEndpoint(gateway);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator")
    static class HealthConfiguration {
        // conditions on the method, not the class: they are read only once the class condition held
        @Bean
        @ConditionalOnEnabledHealthIndicator("portcullis")
        @ConditionalOnMissingBean(name = "portcullisHealthIndicator")
        PortcullisHealthIndicator portcullisHealthIndicator(PortcullisGateway gateway) {
            return new PortcullisHealthIndicator(gateway);
        }
    }
}
