/**
 * Client SDK for calling services through the Portcullis gateway: {@link io.portcullis.client.PortcullisClient}
 * (JDK HTTP client, HTTP/2), token providers, retries that respect the gateway's rate limits, typed
 * errors from problem+json. Types in {@code io.portcullis.client.internal} are not API.
 */
package io.portcullis.client;
