package dev.ferry.jakarta;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Carries one streamed message from the receive path to a handler reading an {@code InputStream} (or a
 * {@code Reader} over it) on another thread. Memory is bounded: when more than {@code limit} bytes wait, the
 * writer is told to pause, and {@code resume} runs once the reader has drained half of them.
 *
 * <p>Thread contract: one writer thread (the connection's) and one reader thread; all state is guarded by this
 * object. {@code resume} runs on the reader's thread, outside the lock.
 */
final class ChunkPipe {

    private final int limit;
    private final Runnable resume;
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long buffered;
    private boolean ended;
    private boolean abandoned;
    private boolean writerPaused;
    private IOException failure;

    ChunkPipe(int limit, Runnable resume) {
        this.limit = limit;
        this.resume = resume;
    }

    /**
     * Adds a copy of {@code data}.
     *
     * @return true when the writer may go on; false when it must pause until {@code resume} runs
     */
    synchronized boolean offer(ByteBuffer data) {
        if (abandoned) {
            return true;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        chunks.add(copy);
        buffered += copy.remaining();
        notifyAll();
        if (buffered > limit) {
            writerPaused = true;
            return false;
        }
        return true;
    }

    /**
     * The message is complete: the reader sees end of stream after the last byte.
     *
     * @return true when the handler has already returned (the writer goes on); false when the writer must
     *         wait for {@link #abandon()}'s caller to resume it
     */
    synchronized boolean end() {
        ended = true;
        notifyAll();
        return abandoned;
    }

    /** The connection ended mid-message: the reader's next read throws {@code cause}. */
    synchronized void fail(IOException cause) {
        if (!ended) {
            failure = cause;
        }
        ended = true;
        notifyAll();
    }

    /**
     * The handler returned: the rest of the message is dropped.
     *
     * @return true when the writer is waiting (paused, or the message already ended) and the caller must resume
     *         it; exactly one resume follows from {@link #offer}, {@link #end()} and this method together
     */
    synchronized boolean abandon() {
        abandoned = true;
        chunks.clear();
        buffered = 0;
        boolean waiting = ended || writerPaused;
        writerPaused = false;
        return waiting;
    }

    /** Whether {@link #end()} or {@link #fail} has been called. */
    synchronized boolean isEnded() {
        return ended;
    }

    /** The reading side; one per pipe. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] dst, int offset, int length) throws IOException {
                java.util.Objects.checkFromIndexSize(offset, length, dst.length);
                if (length == 0) {
                    return 0;
                }
                int n;
                boolean wake = false;
                synchronized (ChunkPipe.this) {
                    while (chunks.isEmpty() && !ended) {
                        try {
                            ChunkPipe.this.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while waiting for message data");
                        }
                    }
                    if (chunks.isEmpty()) {
                        if (failure != null) {
                            throw new IOException(failure.getMessage(), failure);
                        }
                        return -1;
                    }
                    ByteBuffer head = chunks.peek();
                    n = Math.min(length, head.remaining());
                    head.get(dst, offset, n);
                    if (!head.hasRemaining()) {
                        chunks.poll();
                    }
                    buffered -= n;
                    if (writerPaused && !ended && !abandoned && buffered <= limit / 2) {
                        writerPaused = false;
                        wake = true;
                    }
                }
                if (wake) {
                    resume.run();
                }
                return n;
            }

            @Override
            public int available() {
                synchronized (ChunkPipe.this) {
                    return (int) Math.min(Integer.MAX_VALUE, buffered);
                }
            }
        };
    }
}
