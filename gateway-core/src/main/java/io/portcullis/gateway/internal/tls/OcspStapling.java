package io.portcullis.gateway.internal.tls;

import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCSP stapling: for each served certificate that names an OCSP responder, a response is fetched
 * off the event loop (its own thread), checked (for this certificate, signed by the issuer or a
 * responder it delegated to), and handed to every handshake; refreshed halfway to
 * {@code nextUpdate}, and dropped once past it, so a stale response is never stapled. A certificate
 * without a responder URL is skipped silently; a responder that fails only means no staple, never
 * a failed handshake.
 */
final class OcspStapling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OcspStapling.class);
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Duration MIN_REFRESH = Duration.ofMinutes(1);
    private static final Duration MAX_REFRESH = Duration.ofHours(12);

    /** The current response of one certificate. */
    private record Staple(byte[] der, Instant nextUpdate) {
    }

    private final String listenerName;
    private final Map<SslContext, Tracked> byContext = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private ScheduledExecutorService thread; // made when the first certificate with a responder shows up

    OcspStapling(String listenerName) {
        this.listenerName = listenerName;
    }

    /** Starts keeping a staple for {@code leaf} served by {@code context}; forgets contexts no longer served. */
    synchronized void track(SslContext context, X509Certificate leaf, X509Certificate issuer, java.util.Set<SslContext> served) {
        byContext.keySet().retainAll(served);
        String url = responderUrl(leaf);
        if (url == null || issuer == null) {
            return;
        }
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "portcullis-ocsp");
                t.setDaemon(true);
                return t;
            });
        }
        Tracked t = new Tracked(context, leaf, issuer, URI.create(url));
        byContext.put(context, t);
        thread.execute(t::refresh);
    }

    /** The response to staple for a handshake on {@code context}, or null. Never blocks. */
    byte[] response(SslContext context) {
        Tracked t = byContext.get(context);
        Staple s = t == null ? null : t.staple;
        if (s == null) {
            return null;
        }
        if (s.nextUpdate != null && Instant.now().isAfter(s.nextUpdate)) {
            return null; // stale: clients would reject it, and rightly
        }
        return s.der;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    static String responderUrl(X509Certificate cert) {
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(new JcaX509CertificateHolder(cert).getExtensions());
            if (aia == null) {
                return null;
            }
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    String url = d.getAccessLocation().getName().toString();
                    return url.startsWith("http://") || url.startsWith("https://") ? url : null;
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /** One certificate's staple and its refresh. */
    private final class Tracked {
        final SslContext context;
        final X509Certificate leaf;
        final X509Certificate issuer;
        final URI responder;
        volatile Staple staple;
        int failures;

        Tracked(SslContext context, X509Certificate leaf, X509Certificate issuer, URI responder) {
            this.context = context;
            this.leaf = leaf;
            this.issuer = issuer;
            this.responder = responder;
        }

        void refresh() {
            if (byContext.get(context) != this) {
                return; // replaced by a reload
            }
            Duration next;
            try {
                Staple s = fetch();
                staple = s;
                failures = 0;
                Instant now = Instant.now();
                next = s.nextUpdate == null ? MAX_REFRESH : Duration.between(now, s.nextUpdate).dividedBy(2);
                LOG.debug("Listener '{}': OCSP response for serial {} valid until {}", listenerName,
                        leaf.getSerialNumber().toString(16), s.nextUpdate);
            } catch (Exception e) {
                failures++;
                next = Duration.ofMinutes(Math.min(60, 1L << Math.min(failures - 1, 6)));
                LOG.warn("Listener '{}': OCSP response for serial {} from {} failed ({}); {}; retry in {} min", listenerName,
                        leaf.getSerialNumber().toString(16), responder, e.getMessage(),
                        staple == null ? "no staple meanwhile" : "keeping the current one until its nextUpdate", next.toMinutes());
            }
            if (next.compareTo(MIN_REFRESH) < 0) {
                next = MIN_REFRESH;
            } else if (next.compareTo(MAX_REFRESH) > 0) {
                next = MAX_REFRESH;
            }
            synchronized (OcspStapling.this) {
                if (!thread.isShutdown()) {
                    thread.schedule(this::refresh, next.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }

        Staple fetch() throws Exception {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), leaf.getSerialNumber());
            byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
            HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(responder)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                    throw new IllegalStateException("HTTP status " + res.statusCode());
                }
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (body.length > MAX_RESPONSE_BYTES) {
                throw new IllegalStateException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            OCSPResp resp = new OCSPResp(body);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new IllegalStateException("responder status " + resp.getStatus());
            }
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            if (!signedByIssuerOrDelegate(basic)) {
                throw new IllegalStateException("response not signed by the issuer or a responder it delegated to");
            }
            for (SingleResp single : basic.getResponses()) {
                if (single.getCertID().equals(id)) {
                    if (single.getCertStatus() != CertificateStatus.GOOD) {
                        LOG.warn("Listener '{}': OCSP says certificate serial {} is not good ({})", listenerName,
                                leaf.getSerialNumber().toString(16), single.getCertStatus().getClass().getSimpleName());
                    }
                    Date nextUpdate = single.getNextUpdate();
                    return new Staple(body, nextUpdate == null ? null : nextUpdate.toInstant());
                }
            }
            throw new IllegalStateException("response does not cover this certificate");
        }

        private boolean signedByIssuerOrDelegate(BasicOCSPResp basic) throws Exception {
            JcaContentVerifierProviderBuilder verifiers = new JcaContentVerifierProviderBuilder();
            if (basic.isSignatureValid(verifiers.build(issuer.getPublicKey()))) {
                return true;
            }
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            for (X509CertificateHolder delegate : basic.getCerts()) {
                boolean issuedByIssuer = delegate.getIssuer().equals(issuerHolder.getSubject())
                        && delegate.isSignatureValid(verifiers.build(issuer.getPublicKey()));
                boolean ocspSigner = delegate.getExtensions() != null
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(delegate.getExtensions()) != null
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(delegate.getExtensions())
                                .hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
                if (issuedByIssuer && ocspSigner && delegate.isValidOn(new Date()) && basic.isSignatureValid(verifiers.build(delegate))) {
                    return true;
                }
            }
            return false;
        }
    }
}
