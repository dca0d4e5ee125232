package dev.ferry.jakarta.server;

import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A test {@link Transport} over a blocking {@link Socket}: a reader thread copies what arrives into a buffer
 * and answers read demands; writes go straight to the socket. Simple rather than fast; the production server
 * transport belongs to the servlet integration.
 *
 * <p>Thread contract: as {@link Transport}; callbacks run one at a time on this transport's callback thread,
 * never inside a call.
 */
final class SocketTransport implements Transport {

    private final Socket socket;
    private final OutputStream out;
    private final Object lock = new Object();
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "socket-transport-callbacks");
        thread.setDaemon(true);
        return thread;
    });
    private ByteBuffer inbound = ByteBuffer.allocate(8192).flip();
    private TransportListener listener;
    private boolean readDemanded;
    private boolean eof;
    private boolean closed;

    SocketTransport(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    @Override
    public void start(TransportListener listener) {
        synchronized (lock) {
            this.listener = listener;
        }
        Thread reader = new Thread(this::pump, "socket-transport-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        byte[] chunk = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(chunk)) >= 0; ) {
                synchronized (lock) {
                    append(ByteBuffer.wrap(chunk, 0, n));
                }
                wake();
            }
        } catch (IOException e) {
            // the socket was closed under us: report it as the end of the stream
        }
        synchronized (lock) {
            eof = true;
        }
        wake();
    }

    private void append(ByteBuffer src) {
        ByteBuffer bigger = ByteBuffer.allocate(inbound.remaining() + src.remaining());
        bigger.put(inbound).put(src).flip();
        inbound = bigger;
    }

    private void wake() {
        synchronized (lock) {
            if (!readDemanded || (!inbound.hasRemaining() && !eof)) {
                return;
            }
            readDemanded = false;
            TransportListener target = listener;
            if (!callbacks.isShutdown()) {
                callbacks.execute(target::onReadable);
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) {
        synchronized (lock) {
            if (!inbound.hasRemaining()) {
                return eof || closed ? -1 : 0;
            }
            int n = Math.min(dst.remaining(), inbound.remaining());
            dst.put(inbound.slice().limit(n));
            inbound.position(inbound.position() + n);
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        long total = 0;
        synchronized (out) {
            for (ByteBuffer src : srcs) {
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                out.write(bytes);
                total += bytes.length;
            }
            out.flush();
        }
        return total;
    }

    @Override
    public void demandRead() {
        synchronized (lock) {
            readDemanded = true;
        }
        wake();
    }

    @Override
    public void demandWrite() {
        synchronized (lock) {
            TransportListener target = listener;
            if (!callbacks.isShutdown()) {
                callbacks.execute(target::onWritable);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing is idempotent and best effort
        }
        callbacks.shutdown();
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
