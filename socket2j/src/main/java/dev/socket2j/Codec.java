package dev.socket2j;

import dev.socket2j.internal.Scratch;

import java.lang.foreign.MemorySegment;

/**
 * How one socket option's value travels between Java and the kernel's {@code optval} buffer. A codec owns
 * the C shape, the range check (an out-of-range value is an {@link IllegalArgumentException} before any
 * syscall), clamping, and conventions such as "0 means off".
 *
 * @param <T> the Java type of the value
 */
public interface Codec<T> {
    /** The Java type of the value (for display and for frameworks that check option values). */
    Class<?> type();

    /** The buffer size getsockopt(2) is given. */
    int size();

    /**
     * The buffer {@link #encode} needs for {@code value} (the same as {@link #size()} except for variable-length
     * values such as a BPF program).
     */
    default int encodedSize(T value) { return size(); }

    /**
     * Writes {@code value} into {@code buf} (at least {@link #size()} bytes) and returns the optlen.
     *
     * @throws IllegalArgumentException if the value does not fit the C type
     */
    int encode(T value, MemorySegment buf);

    /**
     * Checks {@code value} as {@link #encode} would, without a syscall (a transport's {@code validate} step).
     *
     * @throws IllegalArgumentException if the value does not fit the C type
     */
    default void validate(T value) {
        encode(value, Scratch.get().optval(Math.max(size(), encodedSize(value))));
    }

    /** Reads the value the kernel wrote: {@code len} is the optlen it returned. */
    T decode(MemorySegment buf, int len);

    /**
     * Parses the textual form used on command lines (e.g. {@code "30s"}, {@code "0x10"}, {@code "true"}), and checks
     * the value as {@link #encode} would.
     *
     * @throws IllegalArgumentException with a one-line message if the text is not a value of this codec, or the value
     *     is outside its range (a name longer than the kernel's buffer, a negative duration, ...)
     * @throws UnsupportedOperationException for a read-only codec, which has no textual form
     */
    T parse(String text);

    /** The textual form that {@link #parse} accepts. */
    default String format(T value) { return String.valueOf(value); }

    /**
     * A codec whose value is one C {@code int} passed as it is ({@code Integer}) or as 0/1 ({@code Boolean}), with an
     * unboxed form of {@link #encode} and {@link #decode}: {@link SocketOptions#getIntOption},
     * {@link SocketOptions#getBooleanOption} and their setters use it, so that reading or writing such an option
     * allocates nothing. Both forms check and convert alike.
     *
     * @param <T> {@code Integer} or {@code Boolean}
     */
    interface OfInt<T> extends Codec<T> {
        /** {@link #decode} as an {@code int} (a boolean as 1 or 0). */
        int decodeInt(MemorySegment buf, int len);

        /**
         * {@link #encode} of an {@code int} (a boolean as {@code value != 0}); returns the optlen.
         *
         * @throws IllegalArgumentException if the value is outside the codec's range
         */
        int encodeInt(int value, MemorySegment buf);

        @Override default int size() { return 4; }
    }
}
