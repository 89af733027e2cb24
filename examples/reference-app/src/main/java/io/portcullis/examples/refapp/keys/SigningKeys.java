package io.portcullis.examples.refapp.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.portcullis.examples.refapp.RefAppProperties;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The RS256 signing keys (RSA 2048). One key signs; {@link #rotate()} retires it and makes a new
 * one. A retired key's public half stays in the JWKS until every token it signed has expired
 * (access-token lifetime plus {@link #CLOCK_SKEW}), then it is deleted.
 *
 * <p>The private keys are stored as JWKs in the database, unencrypted: acceptable for a
 * reference app, not for production (use a KMS or an encrypted keystore).
 */
@Service
public class SigningKeys {
    /** The skew the gateway allows on {@code exp} (its default); retired keys outlive it. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;
    private volatile Snapshot snapshot;

    private record StoredKey(RSAKey key, Instant retiredAt) {
    }

    private record Snapshot(RSAKey active, Map<String, StoredKey> all) {
    }

    public SigningKeys(JdbcClient jdbc, Clock clock, RefAppProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.tokens().accessTtl().plus(CLOCK_SKEW);
        ensureActiveKey();
    }

    /** The key that signs new tokens. */
    public RSAKey active() {
        return snapshot.active();
    }

    /** The public key for {@code kid} if it is still published (reloads once on a miss: another instance may have rotated). */
    public Optional<RSAKey> publicKey(String kid) {
        StoredKey k = snapshot.all().get(kid);
        if (k == null) {
            reload();
            k = snapshot.all().get(kid);
        }
        if (k == null || !published(k, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(k.key().toPublicJWK());
    }

    /** The JWKS document: the active key and retired keys whose tokens may still be valid. */
    public JWKSet publicJwks() {
        reload();
        Instant now = clock.instant();
        List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
        for (StoredKey k : snapshot.all().values()) {
            if (published(k, now)) {
                keys.add(k.key().toPublicJWK());
            }
        }
        return new JWKSet(keys);
    }

    /** Retires the signing key and starts signing with a new one; returns the new kid. */
    @Transactional
    public synchronized String rotate() {
        Instant now = clock.instant();
        jdbc.sql("update signing_keys set retired_at = ? where retired_at is null").param(Timestamp.from(now)).update();
        jdbc.sql("delete from signing_keys where retired_at is not null and retired_at <= ?")
                .param(Timestamp.from(now.minus(retention))).update();
        String kid = insertNewKey(now);
        reload();
        return kid;
    }

    private boolean published(StoredKey k, Instant now) {
        return k.retiredAt() == null || k.retiredAt().plus(retention).isAfter(now);
    }

    private synchronized void ensureActiveKey() {
        reload();
        if (snapshot == null || snapshot.active() == null) {
            insertNewKey(clock.instant());
            reload();
        }
    }

    private String insertNewKey(Instant now) {
        try {
            String kid = UUID.randomUUID().toString();
            RSAKey key = new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).generate();
            jdbc.sql("insert into signing_keys (kid, private_jwk, created_at) values (?, ?, ?)")
                    .params(kid, key.toJSONString(), Timestamp.from(now)).update();
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private synchronized void reload() {
        Map<String, StoredKey> all = new LinkedHashMap<>();
        RSAKey active = null;
        List<Object[]> rows = jdbc.sql("select kid, private_jwk, retired_at from signing_keys order by created_at desc")
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getString(2), rs.getTimestamp(3)}).list();
        for (Object[] row : rows) {
            try {
                RSAKey key = RSAKey.parse((String) row[1]);
                Timestamp retired = (Timestamp) row[2];
                all.put((String) row[0], new StoredKey(key, retired == null ? null : retired.toInstant()));
                if (retired == null && active == null) {
                    active = key;
                }
            } catch (ParseException e) {
                throw new IllegalStateException("signing key " + row[0] + " is not a JWK", e);
            }
        }
        snapshot = new Snapshot(active, Map.copyOf(all));
    }
}
