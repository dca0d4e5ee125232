package dev.ferry.transport;

import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;

import java.util.List;

/** Open server handles for driver tests: the handshake done with the RFC 6455 §1.3 sample key. */
final class ServerHandles {

    private ServerHandles() {
    }

    static WebSocketHandle open() {
        WebSocketHandle handle = WebSocketHandle.createServer(HandleProperties.defaults());
        handle.beginServerHandshake(null, List.of(), List.of(new HttpHeader("Host", "127.0.0.1"),
                new HttpHeader("Upgrade", "websocket"), new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                new HttpHeader("Sec-WebSocket-Version", "13")));
        handle.endServerHandshake();
        return handle;
    }

    /** A masked text frame as a client sends it (mask key 0x01020304; payloads under 126 bytes). */
    static byte[] maskedText(String payload) {
        return masked(0x81, payload);
    }

    /** A masked Ping as a client sends it (as {@link #maskedText}). */
    static byte[] maskedPing(String payload) {
        return masked(0x89, payload);
    }

    private static byte[] masked(int finAndOpcode, String payload) {
        byte[] data = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] key = {1, 2, 3, 4};
        byte[] frame = new byte[6 + data.length];
        frame[0] = (byte) finAndOpcode;
        frame[1] = (byte) (0x80 | data.length);
        System.arraycopy(key, 0, frame, 2, 4);
        for (int i = 0; i < data.length; i++) {
            frame[6 + i] = (byte) (data[i] ^ key[i % 4]);
        }
        return frame;
    }
}
