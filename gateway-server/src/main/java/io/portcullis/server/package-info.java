/**
 * The standalone Portcullis server (YAML config, CLI, admin endpoints); filled by the server issue.
 */
package io.portcullis.server;
