package io.portcullis.spring;

import io.portcullis.gateway.Gateway;

/**
 * Adds to the configuration built from {@code portcullis.*} properties before it is validated:
 * routes, listeners or policies that are easier to say in code. Every bean of this type is applied,
 * in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface GatewayConfigCustomizer {
    void customize(Gateway.Builder builder);
}
