package io.pushgate.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority standing in for Apple's "Apple Worldwide Developer Relations" CA: it issues
 * APNs client certificates shaped as Apple's ("Apple Push Services" certificates: RSA 2048, the app's
 * bundle id as the subject's {@code UID}, the team id as {@code OU}, Apple's extensions for the
 * development ({@value #DEVELOPMENT_OID}) and production ({@value #PRODUCTION_OID}) environments),
 * packed as the {@code .p12} a developer exports. The {@link ApnsEmulator} trusts the client
 * certificates of its own authority only, as APNs trusts Apple's. Thread-safe.
 */
public final class ApnsCertificateAuthority {

    /** Apple's extension on a certificate for the APNs development (sandbox) environment. */
    public static final String DEVELOPMENT_OID = "1.2.840.113635.100.6.3.1";
    /** Apple's extension on a certificate for the APNs production environment. */
    public static final String PRODUCTION_OID = "1.2.840.113635.100.6.3.2";

    private static final Duration A_YEAR = Duration.ofDays(365);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final SecureRandom random = new SecureRandom();

    private ApnsCertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** A new authority with its own key, valid for ten years, named {@code name}. */
    public static ApnsCertificateAuthority create(String name) {
        try {
            KeyPair keys = rsaKeys();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, name)
                    .addRDN(BCStyle.O, "Pushgate APNs emulator")
                    .build();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new ApnsCertificateAuthority(certificate, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the APNs emulator's certificate authority", e);
        }
    }

    /** The authority's own certificate: what a server that accepts its client certificates trusts. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The authority's certificate in PEM. */
    public String certificatePem() {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code topic}, valid from now for a year in both environments, with a random password. */
    public ApnsCertificate issue(String topic) {
        Instant now = Instant.now();
        return issue(topic, now.minus(Duration.ofMinutes(5)), now.plus(A_YEAR), true, true);
    }

    /**
     * A certificate for {@code topic}, valid from {@code notBefore} to {@code notAfter} (either may be in
     * the past), with Apple's development and/or production extensions (neither: a client certificate
     * that is not an APNs certificate), packed in a {@code .p12} with a random password.
     */
    public ApnsCertificate issue(
            String topic, Instant notBefore, Instant notAfter, boolean development, boolean production) {
        try {
            KeyPair keys = rsaKeys();
            String teamId = ApnsAuthKey.randomId();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.UID, topic)
                    .addRDN(
                            BCStyle.CN,
                            (production ? "Apple Push Services: " : "Apple Development IOS Push Services: ") + topic)
                    .addRDN(BCStyle.OU, teamId)
                    .addRDN(BCStyle.O, "Pushgate test developer")
                    .addRDN(BCStyle.C, "US")
                    .build();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    certificate,
                    new BigInteger(64, random),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            if (development) {
                builder.addExtension(new ASN1ObjectIdentifier(DEVELOPMENT_OID), false, DERNull.INSTANCE);
            }
            if (production) {
                builder.addExtension(new ASN1ObjectIdentifier(PRODUCTION_OID), false, DERNull.INSTANCE);
            }
            X509Certificate issued = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(privateKey)));
            String password = ApnsAuthKey.randomId();
            return new ApnsCertificate(topic, p12(keys.getPrivate(), issued, password), password, issued);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue an APNs certificate", e);
        }
    }

    private byte[] p12(PrivateKey key, X509Certificate issued, String password)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("apns", key, password.toCharArray(), new Certificate[] {issued, certificate});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password.toCharArray());
        return out.toByteArray();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
