/**
 * The standalone Portcullis server: {@link io.portcullis.server.Main} (the {@code portcullis} command),
 * the YAML configuration ({@link io.portcullis.server.config}), the admin listener and hot reload.
 */
package io.portcullis.server;
