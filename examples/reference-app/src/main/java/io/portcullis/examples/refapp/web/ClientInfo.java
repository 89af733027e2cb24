package io.portcullis.examples.refapp.web;

/**
 * What the app records about the client of a request: its address (the gateway's
 * {@code X-Forwarded-For} is believed only from a trusted proxy), user agent and a device
 * fingerprint (SHA-256 of user agent, accept-language and an optional client-chosen device id).
 */
public record ClientInfo(String ip, String userAgent, String fingerprint) {
}
