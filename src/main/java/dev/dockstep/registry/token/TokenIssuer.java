package dev.dockstep.registry.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs registry tokens as the distribution registry's token authentication reads them: ES256,
 * the certificate in the {@code x5c} header (the registry checks it against its root bundle),
 * and the claims {@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code nbf}, {@code iat},
 * {@code jti} and {@code access}.
 */
final class TokenIssuer {
    /** As Docker Hub's: long enough for a push, short enough that a revoked credential soon stops working. */
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private final SigningKey key;
    private final String issuer;
    private final String service;
    private final Clock clock;
    private final JWSHeader header;
    private final ECDSASigner signer;

    TokenIssuer(SigningKey key, String issuer, String service, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.service = service;
        this.clock = clock;
        try {
            this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                    .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(key.certificate().getEncoded())))
                    .build();
            this.signer = new ECDSASigner(key.key());
        } catch (CertificateEncodingException | JOSEException e) {
            throw new IllegalStateException("the registry's signing key cannot sign: " + e.getMessage(), e);
        }
    }

    /** A signed token for {@code subject} granting {@code access}, and when it was issued. */
    Issued issue(String subject, List<Access> access) {
        Instant now = clock.instant();
        List<Map<String, Object>> claims = new ArrayList<>();
        for (Access granted : access) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("type", granted.type());
            item.put("name", granted.name());
            item.put("actions", granted.actions().stream().sorted().toList());
            claims.add(item);
        }
        JWTClaimsSet set = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(service)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(10)))
                .expirationTime(Date.from(now.plus(LIFETIME))).jwtID(UUID.randomUUID().toString())
                .claim("access", claims).build();
        SignedJWT jwt = new SignedJWT(header, set);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("the registry's signing key cannot sign: " + e.getMessage(), e);
        }
        return new Issued(jwt.serialize(), now);
    }

    SigningKey key() {
        return key;
    }

    record Issued(String token, Instant at) {
    }
}
