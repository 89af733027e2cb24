package io.portcullis.gateway.jwt;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Verification keys an embedding application supplies in code, instead of a JWKS URL or file: an
 * issuer of a {@code jwt} policy names it with {@code keySource: <name>}, the name it was given to
 * {@link JwtProvider#JwtProvider(java.util.Map)} under (in the Spring starter: the bean's name).
 *
 * <p>Called on the gateway's blocking executor, never an event loop, so it may block (read a vault,
 * call an identity provider's SDK): first when the gateway starts, then every
 * {@code refreshInterval}, and early when a token names an unknown key id (at most once per
 * {@code minRefreshInterval}), exactly like a JWKS URL. A call that throws keeps the last good set.
 * Only public keys are used (RSA, EC, Ed25519); secrets are configured with {@code secret}.
 */
@FunctionalInterface
public interface JwtKeySource {

    /** The issuer's current verification keys. */
    JWKSet keys() throws Exception;
}
