package io.portcullis.examples.refapp.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
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
 * The RS256 signing keys (RSA 2048). Three kinds are published in the JWKS:
 * <ul>
 *   <li>the <b>active</b> key, which signs new tokens;</li>
 *   <li>the <b>next</b> key, published ahead of use so that verifiers (the gateway refreshes the
 *       JWKS every few minutes) already hold it when {@link #rotate()} makes it active: tokens of
 *       the new key are not refused for an unknown {@code kid};</li>
 *   <li><b>retired</b> keys, until every token they signed has expired (access-token lifetime
 *       plus {@link #CLOCK_SKEW}); then they are deleted.</li>
 * </ul>
 * The private keys are stored as JWKs in the database, unencrypted: acceptable for a reference
 * app, not for production (use a KMS or an encrypted keystore).
 */
@Service
public class SigningKeys {
    /** The skew the gateway allows on {@code exp} (its default); retired keys outlive it. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;
    private static final long MISS_RELOAD_INTERVAL_NANOS = 1_000_000_000L;

    private volatile Snapshot snapshot;
    private volatile long lastMissReload = System.nanoTime() - MISS_RELOAD_INTERVAL_NANOS;

    private record StoredKey(RSAKey key, Instant activatedAt, Instant retiredAt) {
    }

    private record Snapshot(RSAKey active, RSAKey next, Map<String, StoredKey> all) {
    }

    public SigningKeys(JdbcClient jdbc, Clock clock, RefAppProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.tokens().accessTtl().plus(CLOCK_SKEW);
        ensureKeys();
    }

    /** The key that signs new tokens. */
    public RSAKey active() {
        return snapshot.active();
    }

    /** The key the next rotation activates (already in the JWKS). */
    public RSAKey next() {
        return snapshot.next();
    }

    /**
     * The public key that may have signed a token with this {@code kid}: active or retired and
     * still published (reloads once on a miss: another instance may have rotated).
     */
    public Optional<RSAKey> publicKey(String kid) {
        StoredKey k = snapshot.all().get(kid);
        long now = System.nanoTime();
        if (k == null && now - lastMissReload > MISS_RELOAD_INTERVAL_NANOS) {
            lastMissReload = now;   // made-up kids cost at most one reload per interval
            reload();
            k = snapshot.all().get(kid);
        }
        if (k == null || k.activatedAt() == null || !published(k, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(k.key().toPublicJWK());
    }

    /** The JWKS document: active, next, and retired keys whose tokens may still be valid. */
    public JWKSet publicJwks() {
        reload();
        Instant now = clock.instant();
        List<JWK> keys = new ArrayList<>();
        for (StoredKey k : snapshot.all().values()) {
            if (published(k, now)) {
                keys.add(k.key().toPublicJWK());
            }
        }
        return new JWKSet(keys);
    }

    /** Retires the active key, activates the published next one and publishes a new next; returns the new active kid. */
    @Transactional
    public synchronized String rotate() {
        Instant now = clock.instant();
        Timestamp ts = Timestamp.from(now);
        jdbc.sql("update signing_keys set retired_at = ? where activated_at is not null and retired_at is null").param(ts).update();
        jdbc.sql("delete from signing_keys where retired_at is not null and retired_at <= ?")
                .param(Timestamp.from(now.minus(retention))).update();
        int activated = jdbc.sql("update signing_keys set activated_at = ? where activated_at is null").param(ts).update();
        if (activated == 0) {
            insertKey(now, true);
        }
        insertKey(now, false);
        reload();
        return snapshot.active().getKeyID();
    }

    private boolean published(StoredKey k, Instant now) {
        return k.retiredAt() == null || k.retiredAt().plus(retention).isAfter(now);
    }

    private synchronized void ensureKeys() {
        reload();
        Instant now = clock.instant();
        if (snapshot.active() == null) {
            int activated = jdbc.sql("update signing_keys set activated_at = ? where activated_at is null")
                    .param(Timestamp.from(now)).update();
            if (activated == 0) {
                insertKey(now, true);
            }
            reload();
        }
        if (snapshot.next() == null) {
            insertKey(now, false);
            reload();
        }
    }

    private void insertKey(Instant now, boolean active) {
        try {
            String kid = UUID.randomUUID().toString();
            RSAKey key = new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).generate();
            jdbc.sql("insert into signing_keys (kid, private_jwk, created_at, activated_at) values (?, ?, ?, ?)")
                    .params(kid, key.toJSONString(), Timestamp.from(now), active ? Timestamp.from(now) : null).update();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private synchronized void reload() {
        Map<String, StoredKey> all = new LinkedHashMap<>();
        RSAKey active = null;
        RSAKey next = null;
        List<Object[]> rows = jdbc.sql("select kid, private_jwk, activated_at, retired_at from signing_keys order by created_at desc")
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4)}).list();
        for (Object[] row : rows) {
            try {
                RSAKey key = RSAKey.parse((String) row[1]);
                Instant activated = row[2] == null ? null : ((Timestamp) row[2]).toInstant();
                Instant retired = row[3] == null ? null : ((Timestamp) row[3]).toInstant();
                all.put((String) row[0], new StoredKey(key, activated, retired));
                if (activated != null && retired == null && active == null) {
                    active = key;
                }
                if (activated == null && next == null) {
                    next = key;
                }
            } catch (ParseException e) {
                throw new IllegalStateException("signing key " + row[0] + " is not a JWK", e);
            }
        }
        snapshot = new Snapshot(active, next, Map.copyOf(all));
    }
}
