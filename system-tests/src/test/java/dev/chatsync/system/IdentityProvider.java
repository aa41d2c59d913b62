package dev.chatsync.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;

/**
 * A stand-in for an identity provider: one RSA key, its JWKS served over HTTP from this JVM, and
 * RS256 tokens signed with it, as a deployment's login service would issue them.
 */
final class IdentityProvider {

  static final String ISSUER = "https://login.chatsync.test";
  static final String AUDIENCE = "chatsync-app";
  static final String KEY_ID = "test-rsa-1";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final KeyPair KEY = generate();
  private static final KeyPair UNPUBLISHED = generate();
  private static HttpServer server;

  private IdentityProvider() {}

  static synchronized String jwksUri() throws IOException {
    if (server == null) {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/.well-known/jwks.json", exchange -> {
        byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    }
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
  }

  static synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** A token for {@code userId} that expires {@code secondsValid} from now (negative: expired). */
  static String sign(String userId, long secondsValid) {
    return token(KEY, userId, AUDIENCE, secondsValid);
  }

  static String signForAudience(String userId, String audience) {
    return token(KEY, userId, audience, 600);
  }

  static String signWithUnpublishedKey(String userId) {
    return token(UNPUBLISHED, userId, AUDIENCE, 600);
  }

  private static String token(KeyPair key, String userId, String audience, long secondsValid) {
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}";
    String claims = "{\"sub\":\"" + userId + "\",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + audience + "\",\"iat\":"
        + (now - 600) + ",\"exp\":" + (now + secondsValid) + "}";
    String signed = b64(header) + "." + b64(claims);
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key.getPrivate());
      signature.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static String jwks() {
    RSAPublicKey publicKey = (RSAPublicKey) KEY.getPublic();
    return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KEY_ID + "\",\"n\":\""
        + unsigned(publicKey.getModulus()) + "\",\"e\":\"" + unsigned(publicKey.getPublicExponent()) + "\"}]}";
  }

  /** Base64url of the big-endian magnitude, without the sign byte Java adds. */
  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    return B64.encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
