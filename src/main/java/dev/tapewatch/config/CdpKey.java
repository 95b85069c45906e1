package dev.tapewatch.config;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Coinbase Developer Platform API key ({@code COINBASE_API_KEY_NAME}, {@code COINBASE_API_PRIVATE_KEY}): the key's
 * name and its EC P-256 private key, which signs the ES256 JWTs of the Advanced Trade feed. Neither ever reaches a log
 * line or a response: {@link #toString()} shows neither.
 */
public final class CdpKey {
  static final String NAME = "COINBASE_API_KEY_NAME";
  static final String PRIVATE_KEY = "COINBASE_API_PRIVATE_KEY";
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN (EC PRIVATE KEY|PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final Pattern KEY_NAME = Pattern.compile("[\\x21-\\x7e]{1,256}");
  /** DER of the object identifier prime256v1 (P-256). */
  private static final byte[] P256_OID = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
  /** DER of the algorithm identifier {id-ecPublicKey, prime256v1}, as PKCS#8 wraps a SEC1 key. */
  private static final byte[] EC_P256_ALGORITHM = {0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
      0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
  private static final int P256_SCALAR_BYTES = 32;

  private final Secret name;
  private final ECPrivateKey privateKey;

  private CdpKey(Secret name, ECPrivateKey privateKey) {
    this.name = name;
    this.privateKey = privateKey;
  }

  /** The key's name, e.g. {@code organizations/{org_id}/apiKeys/{key_id}}: the JWT's {@code kid} and {@code sub}. */
  public Secret name() {
    return name;
  }

  public ECPrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    return "CdpKey[<redacted>]";
  }

  /** Both variables set, or neither; a key that is not an EC P-256 private key in PEM stops start-up. */
  static Optional<CdpKey> read(ConfigReader r) {
    String name = r.raw(NAME);
    String pem = r.raw(PRIVATE_KEY);
    if (name.isEmpty() && pem.isEmpty()) {
      return Optional.empty();
    }
    if (!KEY_NAME.matcher(name).matches()) {
      throw r.invalid(NAME, "the CDP API key's name (organizations/{org_id}/apiKeys/{key_id}), set with "
          + PRIVATE_KEY);
    }
    ECPrivateKey key = ecP256(pem);
    if (key == null) {
      throw r.invalid(PRIVATE_KEY, "the CDP API key's EC P-256 private key in PEM (-----BEGIN EC PRIVATE KEY----- "
          + "or -----BEGIN PRIVATE KEY-----, line breaks as they are or written \\n), set with " + NAME);
    }
    return Optional.of(new CdpKey(new Secret(name), key));
  }

  /** The key of a SEC1 or PKCS#8 PEM, or null when it is neither or not on P-256. */
  private static ECPrivateKey ecP256(String pem) {
    Matcher m = PEM.matcher(pem.replace("\\n", "\n"));
    if (!m.find()) {
      return null;
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      boolean sec1 = m.group(1).equals("EC PRIVATE KEY");
      if (sec1 && !sec1OnP256(der)) {
        return null;
      }
      byte[] pkcs8 = sec1 ? pkcs8OfSec1(der) : der;
      if (!(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)) instanceof ECPrivateKey k)) {
        return null;
      }
      AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
      p256.init(new ECGenParameterSpec("secp256r1"));
      BigInteger order = p256.getParameterSpec(ECParameterSpec.class).getOrder();
      return k.getParams().getOrder().equals(order) && k.getS().signum() > 0 && k.getS().compareTo(order) < 0 ? k
          : null;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether a SEC1 ECPrivateKey {@code SEQUENCE {INTEGER 1, OCTET STRING key, [0] curve OPTIONAL, [1] public key
   * OPTIONAL}} holds a P-256 key: a 32-byte scalar, and P-256 named when a curve is. Wrapped as P-256 PKCS#8, any
   * other key would be read as one.
   */
  private static boolean sec1OnP256(byte[] der) {
    int[] seq = element(der, 0, 0x30);
    if (seq == null || seq[1] != der.length) {
      return false;
    }
    int[] version = element(der, seq[0], 0x02);
    int[] scalar = version == null ? null : element(der, version[1], 0x04);
    if (scalar == null || scalar[1] - scalar[0] != P256_SCALAR_BYTES) {
      return false;
    }
    int[] curve = element(der, scalar[1], 0xa0);
    return curve == null || Arrays.equals(Arrays.copyOfRange(der, curve[0], curve[1]), P256_OID);
  }

  /** {content start, end} of the DER element with {@code tag} at {@code at}, or null when there is none. */
  private static int[] element(byte[] der, int at, int tag) {
    if (at + 2 > der.length || (der[at] & 0xff) != tag) {
      return null;
    }
    int len = der[at + 1] & 0xff;
    int start = at + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n > 2 || start + n > der.length) {
        return null;
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = len << 8 | der[start + i] & 0xff;
      }
      start += n;
    }
    return start + len <= der.length ? new int[] {start, start + len} : null;
  }

  /** PKCS#8's PrivateKeyInfo {version 0, {id-ecPublicKey, prime256v1}, OCTET STRING sec1} around a SEC1 key. */
  private static byte[] pkcs8OfSec1(byte[] sec1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(EC_P256_ALGORITHM);
    body.writeBytes(der(0x04, sec1));
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
