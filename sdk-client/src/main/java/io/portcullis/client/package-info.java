/**
 * Client SDK for calling services through the gateway; filled by the SDK issue.
 */
package io.portcullis.client;
