package dev.socket2j.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Binds libc functions once. Every downcall handle of the project is made here, so the linker
 * options live in one place: {@link #ERRNO} for calls that may block, {@link #ERRNO_CRITICAL} for calls
 * that never block (critical downcalls skip the thread-state transition and accept heap segments).
 */
public final class Libc {
    private Libc() {}

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** Capture errno into the first argument. */
    public static final Linker.Option[] ERRNO = { Linker.Option.captureCallState("errno") };
    /** Capture errno, and allow heap segments: only for calls that never block. */
    public static final Linker.Option[] ERRNO_CRITICAL = {
        Linker.Option.captureCallState("errno"), Linker.Option.critical(true) };
    /** No errno: for calls that cannot fail or report failure otherwise. */
    public static final Linker.Option[] PLAIN = {};

    /** Layout of the capture segment that receives errno. */
    public static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
        CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Reads errno from a capture segment. */
    public static int errno(java.lang.foreign.MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }

    /** Binds {@code name}; a missing symbol is a {@link LinkageError} that names it. */
    public static MethodHandle bind(String name, Linker.Option[] options, FunctionDescriptor descriptor) {
        var symbol = LOOKUP.find(name)
            .orElseThrow(() -> new LinkageError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Like {@link #bind} but empty when the C library lacks the symbol (older glibc). */
    public static java.util.Optional<MethodHandle> bindOptional(String name, Linker.Option[] options,
                                                                FunctionDescriptor descriptor) {
        return LOOKUP.find(name).map(s -> LINKER.downcallHandle(s, descriptor, options));
    }

    /** Wraps what {@code invokeExact} can only throw for a programming error. */
    public static AssertionError unexpected(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        return new AssertionError("unexpected from a downcall", t);
    }
}
