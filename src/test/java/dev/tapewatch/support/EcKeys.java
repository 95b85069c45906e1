package dev.tapewatch.support;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** EC key pairs and their PEM, as the CDP portal gives a key ({@code -----BEGIN EC PRIVATE KEY-----}, SEC1). */
public final class EcKeys {
  private EcKeys() {
  }

  public static KeyPair generate(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key as SEC1 PEM: the ECPrivateKey structure the JDK's PKCS#8 encoding wraps in an OCTET STRING. */
  public static String sec1Pem(KeyPair pair) {
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    // PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING privateKey }
    int at = skipHeader(pkcs8, 0);
    at = skip(pkcs8, at);
    at = skip(pkcs8, at);
    int content = skipHeader(pkcs8, at);
    return pem("EC PRIVATE KEY", Arrays.copyOfRange(pkcs8, content, skip(pkcs8, at)));
  }

  /**
   * A P-256 private key as SEC1 PEM the way openssl and the CDP portal write it: {@code SEQUENCE {INTEGER 1, OCTET
   * STRING d, [0] prime256v1, [1] BIT STRING 04||x||y}}.
   */
  public static String opensslSec1Pem(KeyPair pair) {
    java.security.interfaces.ECPrivateKey priv = (java.security.interfaces.ECPrivateKey) pair.getPrivate();
    java.security.interfaces.ECPublicKey pub = (java.security.interfaces.ECPublicKey) pair.getPublic();
    byte[] d = unsigned32(priv.getS());
    byte[] point = new byte[65];
    point[0] = 0x04;
    System.arraycopy(unsigned32(pub.getW().getAffineX()), 0, point, 1, 32);
    System.arraycopy(unsigned32(pub.getW().getAffineY()), 0, point, 33, 32);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x01, 0x04, 0x20});
    body.writeBytes(d);
    body.writeBytes(new byte[] {(byte) 0xa0, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01,
        0x07, (byte) 0xa1, 0x44, 0x03, 0x42, 0x00});
    body.writeBytes(point);
    byte[] content = body.toByteArray();
    byte[] der = new byte[content.length + 2];
    der[0] = 0x30;
    der[1] = (byte) content.length;
    System.arraycopy(content, 0, der, 2, content.length);
    return pem("EC PRIVATE KEY", der);
  }

  private static byte[] unsigned32(java.math.BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public static String pkcs8Pem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The index of the content of the DER element at {@code at}. */
  private static int skipHeader(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    return at + 2 + (len < 0x80 ? 0 : len & 0x7f);
  }

  /** The index after the DER element at {@code at}. */
  private static int skip(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    int header = 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = len << 8 | der[at + 2 + i] & 0xff;
      }
      header += n;
    }
    return at + header + len;
  }
}
