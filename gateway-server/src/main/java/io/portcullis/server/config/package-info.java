/**
 * The server's YAML configuration file, bound onto the core's immutable {@code GatewayConfig}:
 * {@link io.portcullis.server.config.ConfigLoader} reads it, {@link io.portcullis.server.config.ConfigError}
 * says where and what is wrong.
 */
package io.portcullis.server.config;
