package dev.dockstep.registry.token;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key dockstep signs registry tokens with (ECDSA P-256), and the self-signed certificate the
 * registry trusts them by. Both are made once and kept in a folder of the data folder
 * ({@code signing-key.pem} 0600, {@code signing-cert.pem}), so a restart keeps the tokens it
 * issued valid. A key that changed since its certificate was made, or a lost key, is noticed
 * and explained in {@link #notice()}: tokens signed before are refused from then on.
 */
public final class SigningKey {
    static final String KEY_FILE = "signing-key.pem";
    static final String CERT_FILE = "signing-cert.pem";
    /** Long enough to outlive any classroom; the registry refuses tokens once it has expired. */
    private static final Duration VALIDITY = Duration.ofDays(20 * 365);

    private final ECPrivateKey key;
    private final X509Certificate certificate;
    private final Path certificateFile;
    private final Optional<String> notice;

    private SigningKey(ECPrivateKey key, X509Certificate certificate, Path certificateFile, Optional<String> notice) {
        this.key = key;
        this.certificate = certificate;
        this.certificateFile = certificateFile;
        this.notice = notice;
    }

    /**
     * Reads the key and certificate under {@code dir}, making what is missing.
     *
     * @throws IllegalStateException with one line naming the file, when the key cannot be read or written
     */
    public static SigningKey loadOrCreate(Path dir, Clock clock) {
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Optional<X509Certificate> cert = readCertificate(certFile);
            String notice = null;
            KeyPair pair;
            if (Files.exists(keyFile)) {
                pair = readKey(keyFile);
                if (cert.isPresent() && !belongsTo(cert.get().getPublicKey(), pair.getPrivate())) {
                    notice = "the registry's signing key " + keyFile + " is not the key its certificate " + certFile
                            + " was made for, so it was changed or replaced; tokens issued before this start are"
                            + " refused, and clients ask for new ones at their next request";
                    cert = Optional.empty();
                }
            } else {
                if (cert.isPresent() || Files.exists(certFile)) {
                    notice = "the registry's signing key " + keyFile + " was missing, so dockstep made a new one;"
                            + " tokens issued before this start are refused, and clients ask for new ones at their"
                            + " next request";
                }
                cert = Optional.empty();
                pair = newKeyPair();
                writePrivate(keyFile, pem(pair.getPrivate()));
            }
            X509Certificate certificate = cert.isPresent() ? cert.get() : selfSigned(pair, clock);
            if (cert.isEmpty()) {
                writePublic(certFile, pem(certificate));
            }
            return new SigningKey((ECPrivateKey) pair.getPrivate(), certificate, certFile, Optional.ofNullable(notice));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("the registry's signing key under " + dir + " cannot be used ("
                    + e.getMessage() + "); remove " + keyFile + " and " + certFile + " to make a new one", e);
        }
    }

    public ECPrivateKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate as a PEM file: the registry's {@code rootcertbundle}. */
    public Path certificateFile() {
        return certificateFile;
    }

    /** Why tokens issued before this start no longer work, when the key changed; else empty. */
    public Optional<String> notice() {
        return notice;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair pair, Clock clock) throws GeneralSecurityException,
            OperatorCreationException {
        X500Name name = new X500Name("CN=dockstep registry token signer");
        Instant now = clock.instant();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                new BigInteger(1, serial), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    /** Whether a signature made with {@code key} verifies with {@code publicKey}. */
    private static boolean belongsTo(PublicKey publicKey, PrivateKey key) throws GeneralSecurityException {
        byte[] probe = "dockstep".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        try {
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.InvalidKeyException e) {
            return false;
        }
    }

    private static KeyPair readKey(Path file) throws IOException, GeneralSecurityException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                PrivateKey key = converter.getPrivateKey(info);
                if (key instanceof ECPrivateKey ec) {
                    return new KeyPair(publicOf(ec), key);
                }
            } else if (read instanceof PEMKeyPair pair && converter.getKeyPair(pair).getPrivate() instanceof ECPrivateKey) {
                return converter.getKeyPair(pair);
            }
            throw new GeneralSecurityException(file + " holds no EC private key");
        }
    }

    /** The public half of an EC key: its generator point times the private scalar. */
    private static PublicKey publicOf(ECPrivateKey key) throws GeneralSecurityException {
        org.bouncycastle.jce.spec.ECParameterSpec spec =
                org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(key.getParams());
        org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(key.getS()).normalize();
        return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                key.getParams()));
    }

    private static Optional<X509Certificate> readCertificate(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            return parser.readObject() instanceof X509CertificateHolder holder
                    ? Optional.of(new JcaX509CertificateConverter().getCertificate(holder)) : Optional.empty();
        } catch (IOException | GeneralSecurityException e) {
            // An unreadable certificate is made again from the key; the key is what matters.
            return Optional.empty();
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof PrivateKey key ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                    key, null).generate() : object);
        }
        return text.toString();
    }

    /** Written to a temporary file that is 0600 from its creation, then moved into place. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePublic(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".cert", ".tmp");
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
