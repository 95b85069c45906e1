package dev.tapewatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.EcKeys;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code COINBASE_API_KEY_NAME} and {@code COINBASE_API_PRIVATE_KEY}: both or neither, a real P-256 key, never shown. */
class CdpKeyTest {
  private static final String NAME = "organizations/0b7a1f2e-hunter7/apiKeys/4c2d9e1a-hunter8";
  private static final KeyPair P256 = EcKeys.generate("secp256r1");

  private static TapewatchConfig load(String name, String key) {
    return TapewatchConfig.load(Map.of("FEED", "coinbase-advanced", "COINBASE_API_KEY_NAME", name,
        "COINBASE_API_PRIVATE_KEY", key));
  }

  private static ConfigException rejected(String name, String key) {
    return assertThrows(ConfigException.class, () -> load(name, key));
  }

  @Test
  void noKeyIsTheDefault() {
    assertTrue(TapewatchConfig.load(Map.of()).feed().cdpKey().isEmpty());
    assertTrue(load("", "").feed().cdpKey().isEmpty());
  }

  /** As the CDP portal gives it (SEC1), with its line breaks or with them written \n on one line, or as PKCS#8. */
  @Test
  void aP256KeyIsReadInEachSpelling() {
    String sec1 = EcKeys.sec1Pem(P256);
    for (String pem : List.of(EcKeys.opensslSec1Pem(P256), sec1, sec1.replace("\n", "\\n"), "  " + sec1.trim() + "  ",
        EcKeys.pkcs8Pem(P256))) {
      CdpKey key = load(NAME, pem).feed().cdpKey().orElseThrow();
      assertEquals(NAME, key.name().reveal());
      assertEquals(((ECPrivateKey) P256.getPrivate()).getS(), key.privateKey().getS(), pem);
    }
  }

  @Test
  void eachHalfWantsTheOther() {
    ConfigException noKey = rejected(NAME, "");
    assertEquals("COINBASE_API_PRIVATE_KEY", noKey.variable());
    assertTrue(noKey.getMessage().startsWith("COINBASE_API_PRIVATE_KEY=<redacted> is invalid: expected the CDP API "
        + "key's EC P-256 private key in PEM"), noKey.getMessage());
    ConfigException noName = rejected("", EcKeys.sec1Pem(P256));
    assertEquals("COINBASE_API_KEY_NAME", noName.variable());
    assertEquals("COINBASE_API_KEY_NAME=<redacted> is invalid: expected the CDP API key's name "
        + "(organizations/{org_id}/apiKeys/{key_id}), set with COINBASE_API_PRIVATE_KEY", noName.getMessage());
    assertEquals("COINBASE_API_KEY_NAME", rejected("two words", EcKeys.sec1Pem(P256)).variable());
  }

  /** Not PEM, not EC (RSA), not P-256 (P-384, secp256k1), or damaged: refused, one line naming the variable, no key material. */
  @Test
  void anythingButAP256KeyIsRefusedWithoutShowingIt() throws Exception {
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String sec1 = EcKeys.sec1Pem(P256);
    String body = sec1.split("\n")[1];
    // A 32-byte key of another curve (secp256k1, 1.3.132.0.10) that names its curve, as openssl writes it.
    byte[] k1 = new byte[2 + 3 + 2 + 32 + 2 + 7];
    java.nio.ByteBuffer.wrap(k1).put(new byte[] {0x30, (byte) (k1.length - 2), 0x02, 0x01, 0x01, 0x04, 0x20})
        .put(new byte[32]).put(new byte[] {(byte) 0xa0, 0x07, 0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x0a});
    k1[7 + 31] = 1;
    String secp256k1 = "-----BEGIN EC PRIVATE KEY-----\n" + java.util.Base64.getEncoder().encodeToString(k1)
        + "\n-----END EC PRIVATE KEY-----";
    List<String> bad = List.of(secp256k1, "hunter9", sec1.replace("EC PRIVATE KEY-----\n", "EC PRIVATE KEY-----\n!!"),
        sec1.replace(body, body.substring(0, 20)), EcKeys.sec1Pem(EcKeys.generate("secp384r1")),
        "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
            rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----",
        sec1.replace("-----END EC PRIVATE KEY-----", "-----END PRIVATE KEY-----"));
    for (String pem : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> load(NAME, pem), pem);
      assertEquals("COINBASE_API_PRIVATE_KEY", e.variable());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertFalse(e.getMessage().contains(body.substring(0, 12)) || e.getMessage().contains("hunter"),
          e.getMessage());
    }
  }

  @Test
  void neitherHalfIsEverPrinted() {
    TapewatchConfig c = load(NAME, EcKeys.sec1Pem(P256));
    String shown = c.toString() + c.feed() + c.feed().cdpKey();
    assertFalse(shown.contains("hunter"), shown);
    assertFalse(shown.contains(((ECPrivateKey) P256.getPrivate()).getS().toString(16)), shown);
    assertTrue(shown.contains("CdpKey[<redacted>]"), shown);
  }
}
