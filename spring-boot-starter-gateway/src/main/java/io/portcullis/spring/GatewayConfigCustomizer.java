package io.portcullis.spring;

import io.portcullis.gateway.Gateway;

/**
 * Adds to the configuration built from {@code portcullis.*} properties before it is validated:
 * routes, listeners or policies that are easier to say in code. Every bean of this type is applied,
 * in {@link org.springframework.core.annotation.Order} order. A customizer may be called more than
 * once (to validate at startup, then to build with the app's bound port): keep it free of side effects.
 */
@FunctionalInterface
public interface GatewayConfigCustomizer {
    void customize(Gateway.Builder builder);
}
