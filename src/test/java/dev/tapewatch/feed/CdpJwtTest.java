package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.config.CdpKey;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.EcKeys;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CdpJwtTest {
  static final String NAME = "organizations/org-1/apiKeys/key-1";

  static CdpKey key(KeyPair pair) {
    return TapewatchConfig.load(Map.of("COINBASE_API_KEY_NAME", NAME, "COINBASE_API_PRIVATE_KEY",
        EcKeys.opensslSec1Pem(pair))).feed().cdpKey().orElseThrow();
  }

  /** A token's header and claims, after checking its ES256 signature against {@code publicKey}. */
  static JsonObject[] verified(String jwt, PublicKey publicKey) throws Exception {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, jwt);
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initVerify(publicKey);
    ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    assertEquals(64, signature.length, "r and s, 32 bytes each");
    assertTrue(ecdsa.verify(signature), "the signature verifies with the key's public half");
    return new JsonObject[] {
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)),
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))};
  }

  @Test
  void aWebSocketTokenIsAsCoinbaseDocumentsIt() throws Exception {
    KeyPair pair = EcKeys.generate("secp256r1");
    String jwt = CdpJwt.forWebSocket(key(pair), 1_786_309_548L);
    assertFalse(jwt.contains("=") || jwt.contains("+") || jwt.contains("/"), "base64url without padding: " + jwt);
    JsonObject[] parts = verified(jwt, pair.getPublic());
    JsonObject header = parts[0];
    assertEquals("ES256", header.getString("alg"));
    assertEquals(NAME, header.getString("kid"));
    assertEquals("JWT", header.getString("typ"));
    assertTrue(header.getString("nonce").matches("[0-9a-f]{32}"), header.encode());
    assertEquals(new JsonObject().put("iss", "cdp").put("nbf", 1_786_309_548L).put("exp", 1_786_309_668L)
        .put("sub", NAME), parts[1]);
    // Every token has a nonce of its own.
    assertNotEquals(header.getString("nonce"),
        verified(CdpJwt.forWebSocket(key(pair), 1_786_309_548L), pair.getPublic())[0].getString("nonce"));
  }
}
