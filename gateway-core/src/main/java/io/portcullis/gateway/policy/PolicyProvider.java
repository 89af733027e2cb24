package io.portcullis.gateway.policy;

/**
 * Makes policies of one type from configuration. Built-in policies and plugins are providers
 * alike; plugins are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.portcullis.gateway.policy.PolicyProvider}) and configured with the
 * same {@link PolicySpec} model, e.g. {@code type: my-policy}.
 */
public interface PolicyProvider {

    /** The configuration name of the type, e.g. {@code security-headers}. */
    String type();

    /**
     * A policy for these settings. Validate everything here and throw
     * {@link io.portcullis.gateway.ConfigException} (via the {@link PolicySpec} getters) so a bad
     * setting fails at start, never per request.
     */
    Policy create(PolicySpec spec, ProviderContext context);
}
