package io.portcullis.gateway.mtls;

import io.portcullis.gateway.policy.Decision;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.Principal;
import io.portcullis.gateway.policy.ProviderContext;
import io.portcullis.gateway.policy.RequestContext;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: client-cert}: a route that only clients with a verified TLS client certificate may
 * use. The listener asks for certificates ({@code TlsConfig.clientAuth OPTIONAL} or {@code REQUIRE})
 * and verifies them against its {@code clientCa} in the handshake (chain, validity); this policy
 * decides per route. Settings: {@code subjects} (accepted subject common names) and {@code sans}
 * (accepted DNS or URI subject alternative names); with neither, any verified certificate is
 * accepted. Sets the principal (subject = the CN, auth method {@code mtls}, the SANs and DN in
 * claims) unless an earlier policy set one. Refusals are 403: the TLS layer, not a header, carries
 * the credential, so there is no challenge to send.
 */
public final class ClientCertProvider implements PolicyProvider {
    private static final Logger LOG = LoggerFactory.getLogger("io.portcullis.auth");

    @Override
    public String type() {
        return "client-cert";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        Set<String> subjects = Set.copyOf(spec.strings("subjects"));
        Set<String> sans = Set.copyOf(spec.strings("sans"));
        return new Policy() {
            @Override
            public Decision onRequest(RequestContext ctx) {
                X509Certificate cert = ctx.clientCertificate();
                if (cert == null) {
                    LOG.info("mTLS refused [{}] route {}: no client certificate", ctx.requestId(), ctx.routeId());
                    return Decision.respond(403, "a client certificate is required");
                }
                String cn = commonName(cert);
                List<String> names = alternativeNames(cert);
                boolean anyRule = !subjects.isEmpty() || !sans.isEmpty();
                boolean matched = !anyRule || (cn != null && subjects.contains(cn)) || names.stream().anyMatch(sans::contains);
                if (!matched) {
                    LOG.info("mTLS refused [{}] route {}: certificate {} not accepted here", ctx.requestId(), ctx.routeId(),
                            cert.getSubjectX500Principal().getName());
                    return Decision.respond(403, "this client certificate is not accepted here");
                }
                if (ctx.principal() == null) {
                    Map<String, Object> claims = new HashMap<>();
                    claims.put("subjectDn", cert.getSubjectX500Principal().getName());
                    claims.put("sans", names);
                    claims.put("serial", cert.getSerialNumber().toString(16));
                    ctx.principal(new Principal(cn != null ? cn : cert.getSubjectX500Principal().getName(), claims,
                            Set.of(), Set.of(), "mtls"));
                }
                return Decision.proceed();
            }
        };
    }

    static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    static List<String> alternativeNames(X509Certificate cert) {
        Set<String> out = new LinkedHashSet<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0)) || Integer.valueOf(6).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return List.copyOf(out);
    }
}
