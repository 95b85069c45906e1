package dev.tapewatch.feed;

import dev.tapewatch.config.CdpKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ES256 JSON Web Token a CDP API key puts in each Advanced Trade subscribe, as Coinbase documents it for the
 * websocket: header {@code {alg: ES256, kid: <key name>, nonce, typ: JWT}}, claims {@code {iss: "cdp", nbf, exp: nbf +
 * 120, sub: <key name>}} and no {@code uri} (that is for REST). Signed with the JDK's own ECDSA in the P1363 form
 * (r and s side by side) that JWS wants: no library for one signature.
 */
final class CdpJwt {
  /** Coinbase takes a token for two minutes; each subscribe carries a fresh one. */
  static final long LIFETIME_SEC = 120;
  private static final SecureRandom NONCES = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private CdpJwt() {
  }

  static String forWebSocket(CdpKey key, long nowSec) {
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    String name = key.name().reveal();
    JsonObject header = new JsonObject().put("alg", "ES256").put("kid", name)
        .put("nonce", HexFormat.of().formatHex(nonce)).put("typ", "JWT");
    JsonObject claims = new JsonObject().put("iss", "cdp").put("nbf", nowSec).put("exp", nowSec + LIFETIME_SEC)
        .put("sub", name);
    String signed = base64url(header.encode()) + "." + base64url(claims.encode());
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
      ecdsa.initSign(key.privateKey());
      ecdsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + BASE64URL.encodeToString(ecdsa.sign());
    } catch (GeneralSecurityException e) {
      // The key was checked to be an EC P-256 private key at start, which every JDK 17 signs with.
      throw new IllegalStateException("ES256 signing failed: " + e.getClass().getSimpleName(), e);
    }
  }

  private static String base64url(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
