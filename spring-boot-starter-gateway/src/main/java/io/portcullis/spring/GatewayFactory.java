package io.portcullis.spring;

import io.portcullis.gateway.AcmeChallenges;
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

    /**
     * With the answers to the ACME challenges of listeners with {@code tls.acme}: pass them to
     * {@code Gateway.create(config, registry, providers, acme)}. The default serves configurations
     * without ACME listeners only; a factory for apps with them implements this method too.
     */
    default Gateway create(GatewayConfig config, AcmeChallenges acme) {
        if (acme != AcmeChallenges.NONE) {
            throw new IllegalStateException("listeners with tls.acme need a GatewayFactory that passes the ACME challenges "
                    + "(implement create(GatewayConfig, AcmeChallenges)); " + getClass().getName() + " does not");
        }
        return create(config);
    }
}
