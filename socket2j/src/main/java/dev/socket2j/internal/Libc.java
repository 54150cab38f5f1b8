package dev.socket2j.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Binds libc functions once. Every downcall handle of the project is made here, so the linker
 * options live in one place: {@link #ERRNO} for calls that may block, {@link #ERRNO_CRITICAL} for calls
 * that never block (critical downcalls skip the thread-state transition and accept heap segments).
 *
 * <p>A new binding, in the shape jextract generates: a private holder class per function, so that the
 * function is linked on its first call and not when the enclosing class loads; the capture segment (a
 * thread's {@code Scratch.capture} or a loop's own) is the first argument; a raw wrapper returns
 * {@link #result} (the value, or {@code -errno}) and its caller passes that to {@link Errors#ioResult}:
 * <pre>{@code
 * private static final class Splice {   // linked on first use
 *     static final MethodHandle MH = Libc.bind("splice", Libc.ERRNO_CRITICAL,
 *         FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
 * }
 * public static long spliceNb(MemorySegment cs, int in, MemorySegment offIn, int out, ...) {
 *     try { return Libc.result((long) Splice.MH.invokeExact(cs, in, offIn, out, ...), cs); }
 *     catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }
 * }
 * }</pre>
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
    /**
     * Where errno sits in a capture segment, asked of the layout. Read as a plain {@code int}: a layout path's var
     * handle is a chain of adapters (generated classes at start-up, more code to inline at every EAGAIN).
     */
    private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    /**
     * A capture segment for a loop's own calls: {@code owned}'s memory seen through the global scope. A downcall
     * acquires and releases the session of every segment it is given, and for a shared arena that is two atomic
     * updates per call; the global scope has none. Only for memory whose owner frees it after its last call (a loop
     * frees its scratch when it is destroyed, on its own thread); a late call would then not be refused.
     */
    public static MemorySegment unscopedCapture(MemorySegment owned) {
        return MemorySegment.ofAddress(owned.address()).reinterpret(CAPTURE_LAYOUT.byteSize());
    }

    /** Reads errno from a capture segment. */
    public static int errno(MemorySegment capture) {
        return capture.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * The one convention of the raw calls: a C result that is not {@code -1} passes, {@code -1} becomes
     * {@code -errno} (errno also stays in {@code capture}). {@link Errors#ioResult} reads it.
     */
    public static long result(long rc, MemorySegment capture) {
        return rc >= 0 ? rc : -errno(capture);
    }

    /** {@link #result(long, MemorySegment)} for calls returning {@code int}. */
    public static int result(int rc, MemorySegment capture) {
        return rc >= 0 ? rc : -errno(capture);
    }

    /** Binds {@code name}; a missing symbol is a {@link LinkageError} that names it. */
    public static MethodHandle bind(String name, Linker.Option[] options, FunctionDescriptor descriptor) {
        Optional<MemorySegment> symbol = LOOKUP.find(name);
        if (symbol.isEmpty()) throw new LinkageError("libc symbol not found: " + name);
        return LINKER.downcallHandle(symbol.get(), descriptor, options);
    }

    /**
     * Binds {@code name}, a C function of {@code arity} (at most six) integer-class arguments, in the one shape
     * every such binding shares: six {@code JAVA_LONG} arguments and a {@code JAVA_LONG} result. The caller passes the
     * function's arguments first and {@code 0L} for the rest; it passes {@code (long)} of an {@code int}
     * (sign-extended, as the ABIs below expect), the {@code address()} of a native segment, and narrows an
     * {@code int} result with {@code (int)} (the upper half of the register is undefined then).
     *
     * <p>Why this works: on the 64-bit Linux ABIs (x86_64, AArch64, RISC-V, s390x) an {@code int}, a {@code size_t}
     * and a pointer each take one integer register, and the first six (five on s390x, the sixth on the caller's
     * stack) are never read by a callee that declares fewer. Why it matters: the linker generates a stub and
     * about fifteen method-handle classes per distinct descriptor and option set, and the JIT compiles each; one
     * shape per option set instead of one per C prototype removes most of that from a server's start and warm-up.
     * Not for variadic functions ({@code fcntl}, {@code ioctl}) and not where a heap segment must be passed (a
     * critical call's {@code ADDRESS} parameter accepts one; an address cannot). The caller keeps the segments
     * alive across the call ({@code Reference.reachabilityFence}): an address does not.
     */
    public static MethodHandle bindWords(String name, Linker.Option[] options, int arity) {
        return bind(name, options, words(arity));
    }

    /** {@link #bindWords} for a symbol the C library may lack (older glibc). */
    public static Optional<MethodHandle> bindOptionalWords(String name, Linker.Option[] options, int arity) {
        return bindOptional(name, options, words(arity));
    }

    private static final FunctionDescriptor WORDS = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    private static FunctionDescriptor words(int arity) {
        if (arity < 0 || arity > 6) throw new IllegalArgumentException("arity " + arity + " (0 to 6)");
        return WORDS;
    }

    /** Like {@link #bind} but empty when the C library lacks the symbol (older glibc). */
    public static Optional<MethodHandle> bindOptional(String name, Linker.Option[] options,
                                                                FunctionDescriptor descriptor) {
        Optional<MemorySegment> symbol = LOOKUP.find(name);  // no lambda: each one is a class generated at start
        return symbol.isEmpty() ? Optional.empty() : Optional.of(LINKER.downcallHandle(symbol.get(), descriptor, options));
    }

    /**
     * What a downcall site throws for a {@link Throwable} that {@code invokeExact} declares but a downcall cannot
     * raise: a {@link RuntimeException} passes as it is (a closed arena's {@link IllegalStateException}, a wrong
     * argument), anything else is wrapped. Sites rethrow {@link Error}s themselves:
     * {@code catch (Error | RuntimeException e) { throw e; } catch (Throwable t) { throw Libc.unexpected(t); }}.
     */
    public static RuntimeException unexpected(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException("unexpected from a downcall", t);
    }
}
