package dev.ferry.jakarta.server;

import dev.ferry.protocol.HttpHeader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal HTTP/1.1 front end for a {@link JakartaServerContainer} on 127.0.0.1, port 0: it reads one request per
 * connection, passes it through the upgrade seam and answers as the {@link UpgradeResult} says. Test only; the real
 * front end is the servlet integration.
 */
final class LoopbackServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final JakartaServerContainer container;
    private final Thread acceptor;

    LoopbackServer(JakartaServerContainer container) throws IOException {
        this.container = container;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "loopback-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + pathAndQuery);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread handler = new Thread(() -> handle(socket), "loopback-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            List<String> lines = readHead(in);
            String[] requestLine = lines.get(0).split(" ");
            List<HttpHeader> headers = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                headers.add(new HttpHeader(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            UpgradeRequest request = UpgradeRequest.get(URI.create(requestLine[1])).method(requestLine[0])
                    .headers(headers).build();
            UpgradeResult result = container.upgrade(request);
            OutputStream out = socket.getOutputStream();
            if (result instanceof UpgradeResult.Accepted accepted) {
                writeHead(out, "101 Switching Protocols", accepted.responseHeaders(), "");
                accepted.open(new SocketTransport(socket));
            } else if (result instanceof UpgradeResult.Rejected rejected) {
                writeHead(out, rejected.status() + " Rejected", rejected.headers(), rejected.body());
                socket.close();
            } else if (result instanceof UpgradeResult.NotApplicable) {
                writeHead(out, "404 Not Found", List.of(), "no WebSocket endpoint here");
                socket.close();
            } else {
                throw new AssertionError(result);
            }
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /** Reads the request line and headers, byte by byte so no WebSocket byte is consumed. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        throw new IOException("connection closed inside the request head");
    }

    private static void writeHead(OutputStream out, String status, List<HttpHeader> headers, String body)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        for (HttpHeader header : headers) {
            head.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        if (!status.startsWith("101")) {
            head.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(content);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }
}
