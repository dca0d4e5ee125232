package dev.ferry.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The load client's connection: a small blocking WebSocket client over one {@link Socket}, written with the
 * JDK alone so it shares no code with any server it measures. It masks what it sends (RFC 6455 §5.3),
 * accepts unmasked, possibly fragmented server messages, and keeps no more than one scratch buffer.
 *
 * <p>Thread contract: not thread safe; one thread drives one client.
 */
final class WireClient implements Closeable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Eight payload bytes at a time, so masking 1 MiB costs the client little next to the server's work. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SplittableRandom random;
    private final byte[] header = new byte[14];
    private byte[] scratch = new byte[8192];
    private int lastFrameLength;

    private WireClient(Socket socket, SplittableRandom random) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        this.random = random;
    }

    /** Connects to 127.0.0.1:{@code port} and completes the opening handshake for {@code path}. */
    static WireClient connect(int port, String path, long seed) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(30_000);
            WireClient client = new WireClient(socket, new SplittableRandom(seed));
            client.handshake(port, path);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(int port, String path) throws IOException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder response = new StringBuilder();
        while (response.length() < 4 || !response.substring(response.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("expected a 101 response, got end of stream after: " + response);
            }
            response.append((char) b);
            if (response.length() > 16_384) {
                throw new IOException("expected a response head under 16 KiB, got more");
            }
        }
        String head = response.toString();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("expected HTTP/1.1 101, got " + head.lines().findFirst().orElse(""));
        }
        String accept = accept(key);
        if (!head.toLowerCase().contains("sec-websocket-accept: " + accept.toLowerCase())) {
            throw new IOException("expected Sec-WebSocket-Accept " + accept + " (RFC 6455 §4.2.2), got " + head);
        }
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 §4.2.2); {@link BareEcho} answers with it. */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("expected SHA-1 in every JDK", e);
        }
    }

    /** Queues one masked binary message of {@code payload[0, length)}; call {@link #flush()} to send. */
    void sendBinary(byte[] payload, int length) throws IOException {
        writeFrame(0x82, payload, length);
    }

    private void writeFrame(int firstByte, byte[] payload, int length) throws IOException {
        int n = 0;
        header[n++] = (byte) firstByte;
        if (length <= 125) {
            header[n++] = (byte) (0x80 | length);
        } else if (length <= 0xFFFF) {
            header[n++] = (byte) (0x80 | 126);
            header[n++] = (byte) (length >>> 8);
            header[n++] = (byte) length;
        } else {
            header[n++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header[n++] = (byte) ((long) length >>> shift);
            }
        }
        int key = random.nextInt();
        for (int shift = 24; shift >= 0; shift -= 8) {
            header[n++] = (byte) (key >>> shift);
        }
        out.write(header, 0, n);
        byte[] masked = scratch(length);
        long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONGS.set(masked, i, (long) LONGS.get(payload, i) ^ key8);
        }
        for (; i < length; i++) {
            masked[i] = (byte) (payload[i] ^ (key >>> (24 - (i & 3) * 8)));
        }
        out.write(masked, 0, length);
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads one whole data message, answering nothing else: the servers measured send no pings.
     *
     * @return the message's length in bytes
     */
    int readMessage() throws IOException {
        int total = 0;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            if ((b1 & 0x80) != 0) {
                throw new IOException("expected an unmasked server frame (RFC 6455 §5.1), got a masked one");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            int opcode = b0 & 0xF;
            if (opcode == 0x8) {
                throw new IOException("expected an echo, got a Close from the server");
            }
            if (length > EchoEndpoint.MAX_MESSAGE) {
                throw new IOException("expected a frame of at most " + EchoEndpoint.MAX_MESSAGE + " bytes, got " + length);
            }
            in.readFully(scratch((int) length), 0, (int) length);
            lastFrameLength = (int) length;
            if (opcode == 0x9 || opcode == 0xA) {
                continue;
            }
            total += (int) length;
            if ((b0 & 0x80) != 0) {
                return total;
            }
        }
    }

    /** The payload of the last frame {@link #readMessage} read: the whole message when it came in one frame. */
    byte[] lastFramePayload() {
        return Arrays.copyOf(scratch, lastFrameLength);
    }

    /** Sends Close 1000, waits for the server's Close, then closes the socket. */
    void closeHandshake() throws IOException {
        writeFrame(0x88, new byte[] {0x03, (byte) 0xE8}, 2);
        out.flush();
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                int length = b1 & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = (int) in.readLong();
                }
                in.readFully(scratch(length), 0, length);
                if ((b0 & 0xF) == 0x8) {
                    return;
                }
            }
        } finally {
            socket.close();
        }
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
