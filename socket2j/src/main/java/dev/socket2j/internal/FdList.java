package dev.socket2j.internal;

import java.util.Arrays;

/**
 * Descriptors received with {@code SCM_RIGHTS} and not yet handed to the caller. The holder (a message header or
 * batch) closes them with {@link #closeAll()} when it is reused or closed, so ignored descriptors never leak.
 * The array is kept across receives: a steady state allocates nothing.
 */
public final class FdList {
    private int[] fds = new int[4];
    private int size;

    public void add(int fd) {
        if (size == fds.length) fds = Arrays.copyOf(fds, size * 2);
        fds[size++] = fd;
    }

    public int size() { return size; }

    public int get(int i) {
        if (i >= size) throw new IndexOutOfBoundsException(i);
        return fds[i];
    }

    /** Hands over all descriptors (the caller now owns them) and empties the list. */
    public int[] take() {
        int[] out = Arrays.copyOf(fds, size);
        size = 0;
        return out;
    }

    /** Closes every descriptor still held. */
    public void closeAll() {
        for (int i = 0; i < size; i++) Sys.closeQuietly(fds[i]);
        size = 0;
    }
}
