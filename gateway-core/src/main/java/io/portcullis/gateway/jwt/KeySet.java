package io.portcullis.gateway.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An immutable set of verification keys: what request threads read while a refresh builds the next one. */
final class KeySet {
    private static final Logger LOG = LoggerFactory.getLogger(KeySet.class);
    /** Tokens without a {@code kid} are tried against at most this many keys. */
    static final int MAX_KEYS_WITHOUT_KID = 4;

    final List<VerificationKey> keys;
    final Set<String> kids;
    final Set<String> thumbprints;

    KeySet(List<VerificationKey> keys) {
        this.keys = List.copyOf(keys);
        Set<String> k = new HashSet<>();
        Set<String> t = new HashSet<>();
        for (VerificationKey key : keys) {
            if (key.kid != null) {
                k.add(key.kid);
            }
            t.add(key.thumbprint);
        }
        this.kids = Set.copyOf(k);
        this.thumbprints = Set.copyOf(t);
    }

    /**
     * Parses a JWK set document. Keys that cannot verify signatures here (encryption keys, short RSA,
     * unknown types) are skipped with a warning rather than failing the whole set, as one odd key in
     * an IdP's set must not lock everybody out.
     *
     * @throws IllegalArgumentException when the document is not a JWK set, has too many keys, or no usable key
     */
    static KeySet parse(String json, String source, int maxKeys) {
        Map<String, Object> doc;
        List<Object> entries;
        try {
            doc = JSONObjectUtils.parse(json);
            entries = JSONObjectUtils.getJSONArray(doc, "keys");
        } catch (ParseException e) {
            throw new IllegalArgumentException(source + ": not a JWK set (" + e.getMessage() + ")");
        }
        if (entries == null) {
            throw new IllegalArgumentException(source + ": not a JWK set (no \"keys\" array)");
        }
        if (entries.size() > maxKeys) {
            throw new IllegalArgumentException(source + ": " + entries.size() + " keys (limit " + maxKeys + ")");
        }
        List<VerificationKey> keys = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                if (!(entries.get(i) instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("not an object");
                }
                @SuppressWarnings("unchecked")
                JWK jwk = JWK.parse((Map<String, Object>) m);
                JWK verifying = jwk.isPrivate() ? jwk.toPublicJWK() : jwk;
                if (verifying == null) {
                    throw new IllegalArgumentException("a symmetric (" + jwk.getKeyType() + ") key; HMAC secrets are configured with 'secret'");
                }
                keys.add(VerificationKey.of(verifying));
            } catch (ParseException | IllegalArgumentException e) {
                LOG.warn("{}: skipping key #{}: {}", source, i, e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + ": no usable signature key among " + entries.size());
        }
        return new KeySet(keys);
    }

    /** Whether some key has this id (whatever its type). */
    boolean hasKid(String kid) {
        return kids.contains(kid);
    }

    /**
     * The keys a token with this {@code kid} (may be null) and algorithm may be checked with: those
     * with that id, else keys configured without an id; for a token without a kid, every fitting key
     * if there are at most {@link #MAX_KEYS_WITHOUT_KID}.
     */
    List<VerificationKey> candidates(String kid, JWSAlgorithm alg) {
        List<VerificationKey> exact = null;
        List<VerificationKey> anonymous = null;
        int fitting = 0;
        for (VerificationKey key : keys) {
            if (!key.accepts(alg)) {
                continue;
            }
            fitting++;
            if (kid != null && kid.equals(key.kid)) {
                exact = add(exact, key);
            } else if (key.kid == null || kid == null) {
                anonymous = add(anonymous, key);
            }
        }
        if (exact != null) {
            return exact;
        }
        if (anonymous == null || (kid == null && fitting > MAX_KEYS_WITHOUT_KID)) {
            return List.of();
        }
        return anonymous;
    }

    private static List<VerificationKey> add(List<VerificationKey> list, VerificationKey key) {
        List<VerificationKey> l = list == null ? new ArrayList<>(2) : list;
        l.add(key);
        return l;
    }
}
