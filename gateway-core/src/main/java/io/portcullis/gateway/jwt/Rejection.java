package io.portcullis.gateway.jwt;

/** Why a token was refused: logged and counted, never told to the client beyond {@code invalid_token}. */
enum Rejection {
    MALFORMED("not a well-formed signed JWT"),
    UNSIGNED("unsigned or encrypted JWT (alg none / JWE)"),
    FORBIDDEN_HEADER("header carries its own key (jku, x5u, jwk, x5c)"),
    CRITICAL_HEADER("header lists crit parameters"),
    UNKNOWN_ISSUER("issuer not accepted here"),
    ALGORITHM("algorithm not allowed for this issuer"),
    UNKNOWN_KEY("no key with this kid"),
    BAD_SIGNATURE("signature does not verify"),
    EXPIRED("expired"),
    NO_EXPIRY("no exp claim"),
    NOT_YET_VALID("not valid yet (nbf)"),
    ISSUED_IN_FUTURE("issued in the future (iat)"),
    AUDIENCE("audience not accepted"),
    MISSING_CLAIM("a required claim is missing"),
    NO_SUBJECT("no sub claim");

    final String text;

    Rejection(String text) {
        this.text = text;
    }
}
