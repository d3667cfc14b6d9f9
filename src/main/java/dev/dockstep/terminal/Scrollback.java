package dev.dockstep.terminal;

/**
 * The most recent output of a shell, up to a bound, for a page that attaches again. It grows
 * as output comes, so a quiet shell holds a few KiB, not the bound. Not thread-safe: the shell
 * guards it.
 */
final class Scrollback {
    private static final int FIRST = 4 * 1024;

    private final int capacity;
    private byte[] ring = new byte[0];
    private int start;
    private int size;
    private boolean wrapped;

    Scrollback(int capacity) {
        this.capacity = capacity;
    }

    void append(byte[] bytes) {
        int from = Math.max(0, bytes.length - capacity);
        int length = bytes.length - from;
        if (size + length > ring.length && ring.length < capacity) {
            grow(size + length);
        }
        for (int i = 0; i < length; i++) {
            if (size < ring.length) {
                ring[(start + size) % ring.length] = bytes[from + i];
                size++;
            } else {
                ring[start] = bytes[from + i];
                start = (start + 1) % ring.length;
                wrapped = true;
            }
        }
        if (from > 0) {
            wrapped = true;
        }
    }

    private void grow(int needed) {
        int length = Math.max(FIRST, ring.length);
        while (length < needed && length < capacity) {
            length *= 2;
        }
        byte[] bigger = new byte[Math.min(length, capacity)];
        byte[] kept = snapshotAll();
        System.arraycopy(kept, 0, bigger, 0, kept.length);
        ring = bigger;
        start = 0;
    }

    private byte[] snapshotAll() {
        byte[] copy = new byte[size];
        for (int i = 0; i < size; i++) {
            copy[i] = ring[(start + i) % ring.length];
        }
        return copy;
    }

    /**
     * What a page attaching now should be shown. Once older output has been dropped, it starts
     * after the first line break, so that it does not begin inside an escape sequence or a
     * character.
     */
    byte[] snapshot() {
        byte[] all = snapshotAll();
        if (!wrapped) {
            return all;
        }
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                return java.util.Arrays.copyOfRange(all, i + 1, all.length);
            }
        }
        return all;
    }

    /** Bytes held now, at most the bound. */
    int held() {
        return ring.length;
    }
}
