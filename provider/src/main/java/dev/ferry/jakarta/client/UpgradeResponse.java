package dev.ferry.jakarta.client;

import dev.ferry.protocol.HttpHeader;
import dev.ferry.transport.ClientChannel;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's answer to the upgrade request: status line and headers, read up to the blank line (RFC 9112 §2),
 * plus whatever bytes followed it (the first WebSocket frames, already sent).
 *
 * @param status       the status code
 * @param reason       the reason phrase
 * @param headers      the header fields, in order
 * @param leftover     bytes read past the header section, in read mode
 */
record UpgradeResponse(int status, String reason, List<HttpHeader> headers, ByteBuffer leftover) {

    /** The most header bytes accepted before the blank line. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    /**
     * Reads a response from {@code channel}.
     *
     * @throws DeploymentException when the response is not HTTP/1.1, is malformed, or its header is too large
     * @throws IOException         when the connection fails, ends early or the deadline passes
     */
    static UpgradeResponse read(ClientChannel channel, long deadline, String target)
            throws IOException, DeploymentException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_HEADER_BYTES + 1);
        int end;
        while ((end = headerEnd(buffer)) < 0) {
            if (!buffer.hasRemaining()) {
                throw new DeploymentException("the upgrade response from " + target + " has more than "
                        + MAX_HEADER_BYTES + " bytes of headers");
            }
            if (channel.read(buffer, deadline) < 0) {
                throw new IOException("the server at " + target + " closed the connection before finishing its "
                        + "upgrade response (" + buffer.position() + " bytes received)");
            }
        }
        String head = new String(buffer.array(), 0, end, StandardCharsets.ISO_8859_1);
        ByteBuffer leftover = ByteBuffer.wrap(buffer.array(), end + 4, buffer.position() - end - 4).slice();
        return parse(head, leftover, target);
    }

    private static int headerEnd(ByteBuffer buffer) {
        byte[] bytes = buffer.array();
        for (int i = 0; i + 3 < buffer.position(); i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static UpgradeResponse parse(String head, ByteBuffer leftover, String target) throws DeploymentException {
        String[] lines = head.split("\r\n", -1);
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new DeploymentException("expected an HTTP/1.1 status line from " + target + ", got \""
                    + abbreviate(statusLine) + "\"");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new DeploymentException("expected a 3-digit status code from " + target + ", got \""
                    + abbreviate(statusLine) + "\"", e);
        }
        List<HttpHeader> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new DeploymentException("malformed header line in the upgrade response from " + target
                        + ": \"" + abbreviate(line) + "\" (RFC 9112 §5)");
            }
            headers.add(new HttpHeader(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return new UpgradeResponse(status, parts.length > 2 ? parts[2] : "", List.copyOf(headers), leftover);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
