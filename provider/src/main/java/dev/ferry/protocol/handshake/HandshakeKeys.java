package dev.ferry.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.random.RandomGenerator;

/** {@code Sec-WebSocket-Key} and {@code Sec-WebSocket-Accept} (RFC 6455 §4.1, §4.2.2). Stateless. */
public final class HandshakeKeys {

    /** The GUID RFC 6455 §1.3 appends to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.ISO_8859_1);
    /**
     * A SHA-1 digest in its initial state, never updated: {@link #accept} clones it, which is several times cheaper
     * than {@code MessageDigest.getInstance} (a provider lookup per call) and safe from any number of threads, since
     * cloning only reads the prototype.
     */
    private static final MessageDigest SHA1_PROTOTYPE = sha1();

    private HandshakeKeys() {
    }

    /** A fresh key: base64 of 16 random bytes (RFC 6455 §4.1). */
    public static String newKey(RandomGenerator random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Whether {@code key} is base64 (with padding) of exactly 16 bytes (RFC 6455 §4.2.1 item 5). */
    public static boolean isValidKey(String key) {
        if (key.length() != 24 || !key.endsWith("==")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** base64(SHA-1(key + GUID)): the value of {@code Sec-WebSocket-Accept} for {@code key}. */
    public static String accept(String key) {
        MessageDigest sha1 = freshSha1();
        sha1.update(key.getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(sha1.digest(GUID_BYTES));
    }

    private static MessageDigest freshSha1() {
        try {
            return (MessageDigest) SHA1_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return sha1(); // a provider whose SHA-1 cannot be cloned: one lookup per call, as without the prototype
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1 (MessageDigest contract)", e);
        }
    }
}
