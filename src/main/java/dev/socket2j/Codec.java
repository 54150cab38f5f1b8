package dev.socket2j;

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
     * Writes {@code value} into {@code buf} (at least {@link #size()} bytes) and returns the optlen.
     *
     * @throws IllegalArgumentException if the value does not fit the C type
     */
    int encode(T value, MemorySegment buf);

    /** Reads the value the kernel wrote: {@code len} is the optlen it returned. */
    T decode(MemorySegment buf, int len);

    /** Parses the textual form used on command lines (e.g. {@code "30s"}, {@code "0x10"}, {@code "true"}). */
    T parse(String text);

    /** The textual form that {@link #parse} accepts. */
    default String format(T value) { return String.valueOf(value); }
}
