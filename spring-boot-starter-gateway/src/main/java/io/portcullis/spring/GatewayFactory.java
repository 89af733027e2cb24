package io.portcullis.spring;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;

/**
 * Makes the {@link Gateway} from its final configuration when the application starts. The default
 * one is {@code Gateway.create(config, meterRegistry)} with the application's
 * {@link io.micrometer.core.instrument.MeterRegistry}; declare a bean of this type to replace it.
 *
 * <p>A factory rather than a {@code Gateway} bean: the route to the application's own server needs
 * the port that server bound, known only once it has started.
 */
@FunctionalInterface
public interface GatewayFactory {
    Gateway create(GatewayConfig config);
}
