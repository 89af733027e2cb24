package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.List;
import java.util.Set;

/**
 * What a token from one issuer must satisfy: the {@code iss} value, the algorithms it may be signed
 * with, acceptable audiences (any one; empty: not checked), claims that must be present, and where
 * its keys come from.
 */
record IssuerRule(String issuer, Set<JWSAlgorithm> algorithms, Set<String> audiences, List<String> requiredClaims,
                  KeySource keys) {
}
