package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Uring;
import dev.socket2j.internal.UringRing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the io_uring engine ({@link Socket2UringIoHandler}) can run here, in the shape of Netty's {@code IoUring}
 * class, so a program can fall back:
 * {@code Socket2Uring.isAvailable() ? Socket2UringIoHandler.newFactory() : Socket2IoHandler.newFactory()}.
 *
 * <p>The check, made once, creates and closes one small ring and reads its opcode probe. It fails when the kernel
 * has no io_uring ({@code ENOSYS}: built without {@code CONFIG_IO_URING}), when {@code kernel.io_uring_disabled} is
 * 2 (or 1 and the process is not in {@code kernel.io_uring_group}) or a seccomp filter (Docker's default profile
 * since 25.0) refuses it ({@code EPERM}), and when the kernel lacks an opcode the engine needs: it needs Linux 5.6
 * for {@code IORING_REGISTER_PROBE} and the opcodes of {@link #REQUIRED_OPS}; 5.18 for registered ring descriptors,
 * 5.19 for multishot accept and provided buffer rings, 6.0 for multishot recv and {@code SEND_ZC}
 * ({@link Socket2ChannelOption#URING_SEND_ZC_THRESHOLD}) and 6.1 for {@code DEFER_TASKRUN}, each used where present.
 */
public final class Socket2Uring {
    /** The opcodes without which the engine does not start. */
    static final byte[] REQUIRED_OPS = { Uring.OP_NOP, Uring.OP_READ, Uring.OP_WRITEV, Uring.OP_SEND, Uring.OP_RECV,
        Uring.OP_ACCEPT, Uring.OP_CONNECT, Uring.OP_ASYNC_CANCEL, Uring.OP_TIMEOUT };
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private Socket2Uring() {}

    private static Throwable probe() {
        try (UringRing r = UringRing.open(2, 4, 0)) {
            for (byte op : REQUIRED_OPS) {
                if (!r.supports(op)) {
                    return new UnsupportedOperationException("the kernel lacks " + Uring.opName(op) + " (io_uring)");
                }
            }
            return null;
        } catch (IOException e) {
            return explain(e);
        } catch (Throwable t) {   // unsupported OS or architecture, refused native access, ...
            return t;
        }
    }

    private static Throwable explain(IOException e) {
        int errno = e instanceof OsError o ? o.errno() : 0;
        String why;
        if (errno == Errno.ENOSYS) {
            why = "this kernel has no io_uring (built without CONFIG_IO_URING, or older than 5.1)";
        } else if (errno == Errno.EPERM) {
            String disabled = readSysctl("/proc/sys/kernel/io_uring_disabled");
            why = "2".equals(disabled) ? "io_uring is disabled (kernel.io_uring_disabled=2)"
                : "1".equals(disabled) ? "io_uring is limited to kernel.io_uring_group (kernel.io_uring_disabled=1)"
                : "io_uring_setup(2) was refused (EPERM): a seccomp filter or container runtime blocks it";
        } else if (errno == Errno.ENOMEM) {
            why = "io_uring_setup(2) failed with ENOMEM: the locked-memory limit (ulimit -l) may be too low";
        } else {
            return e;
        }
        return new IOException(why, e);
    }

    private static String readSysctl(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether the io_uring engine's loops and channels can be used here. */
    public static boolean isAvailable() { return UNAVAILABILITY_CAUSE == null; }

    /**
     * Throws if the engine cannot be used here.
     *
     * @throws UnsatisfiedLinkError (as Netty's {@code IoUring.ensureAvailability()} does) with the reason as cause
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError("the socket2j io_uring engine is not available here: "
                + UNAVAILABILITY_CAUSE).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** Why the engine cannot be used here, or {@code null} if it can. */
    public static Throwable unavailabilityCause() { return UNAVAILABILITY_CAUSE; }
}
