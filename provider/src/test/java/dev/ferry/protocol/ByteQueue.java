package dev.ferry.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** An unbounded in-memory byte pipe for tests. Not thread safe. */
final class ByteQueue {
    private byte[] data = new byte[1024];
    private int head;
    private int tail;

    void add(ByteBuffer src) {
        int n = src.remaining();
        ensure(n);
        src.get(data, tail, n);
        tail += n;
    }

    void add(byte[] bytes) {
        add(ByteBuffer.wrap(bytes));
    }

    int size() {
        return tail - head;
    }

    /** Moves at most {@code max} bytes into {@code dst}; returns the count. */
    int read(ByteBuffer dst, int max) {
        int n = Math.min(Math.min(max, dst.remaining()), size());
        dst.put(data, head, n);
        head += n;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return n;
    }

    byte[] drain() {
        byte[] out = Arrays.copyOfRange(data, head, tail);
        head = 0;
        tail = 0;
        return out;
    }

    private void ensure(int n) {
        if (tail + n <= data.length) {
            return;
        }
        int live = size();
        if (live + n <= data.length / 2) {
            System.arraycopy(data, head, data, 0, live);
        } else {
            data = Arrays.copyOfRange(data, head, head + Math.max(data.length * 2, live + n));
        }
        head = 0;
        tail = live;
    }
}
