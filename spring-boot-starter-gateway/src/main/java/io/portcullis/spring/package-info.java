/**
 * Spring Boot auto-configuration for the embedded Portcullis gateway: {@code portcullis.*}
 * properties ({@link io.portcullis.spring.PortcullisProperties}) to the core's configuration model,
 * run by {@link io.portcullis.spring.PortcullisGateway} in front of the application's own server.
 */
package io.portcullis.spring;
