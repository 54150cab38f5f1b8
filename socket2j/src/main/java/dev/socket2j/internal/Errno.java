package dev.socket2j.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** errno numbers (the generic Linux ones, which every JDK 22+ architecture uses), their names and texts. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9,
        EAGAIN = 11, EWOULDBLOCK = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
        ENODEV = 19, ENOTDIR = 20, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ENOSPC = 28, ESPIPE = 29,
        EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ELOOP = 40, ENODATA = 61, EPROTO = 71,
        EOVERFLOW = 75, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
        EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EPFNOSUPPORT = 96, EAFNOSUPPORT = 97,
        EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ENETRESET = 102,
        ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108,
        ETOOMANYREFS = 109, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113,
        EALREADY = 114, EINPROGRESS = 115, ECANCELED = 125;

    /** The symbolic name, e.g. {@code ECONNREFUSED}; {@code errno N} for a number without one here. */
    public static String name(int errno) {
        // a switch rather than reflection over the fields: no accessor classes generated on the first error
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOTTY -> "ENOTTY";
            case ENOSPC -> "ENOSPC";
            case ESPIPE -> "ESPIPE";
            case EPIPE -> "EPIPE";
            case ERANGE -> "ERANGE";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case ELOOP -> "ELOOP";
            case ENODATA -> "ENODATA";
            case EPROTO -> "EPROTO";
            case EOVERFLOW -> "EOVERFLOW";
            case ENOTSOCK -> "ENOTSOCK";
            case EDESTADDRREQ -> "EDESTADDRREQ";
            case EMSGSIZE -> "EMSGSIZE";
            case EPROTOTYPE -> "EPROTOTYPE";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case ESOCKTNOSUPPORT -> "ESOCKTNOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EPFNOSUPPORT -> "EPFNOSUPPORT";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENETUNREACH -> "ENETUNREACH";
            case ENETRESET -> "ENETRESET";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case EISCONN -> "EISCONN";
            case ENOTCONN -> "ENOTCONN";
            case ESHUTDOWN -> "ESHUTDOWN";
            case ETOOMANYREFS -> "ETOOMANYREFS";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTDOWN -> "EHOSTDOWN";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + errno;
        };
    }

    /** strerror(3) in the critical shape the socket calls share (it never blocks; errno is captured and ignored). */
    private static final class Strerror { static final MethodHandle MH = Libc.bindWords("strerror", Libc.ERRNO_CRITICAL, 1); }
    private static final String[] TEXTS = new String[4096];

    /** The C library's text for the errno, cached (strerror's buffer is not thread-safe, hence the lock). */
    public static String text(int errno) {
        if (errno < 0 || errno >= TEXTS.length) return "Unknown error " + errno;
        String t = TEXTS[errno];
        if (t != null) return t;
        synchronized (TEXTS) {
            if (TEXTS[errno] == null) {
                try {
                    long s = (long) Strerror.MH.invokeExact(Scratch.get().capture, (long) errno, 0L, 0L, 0L, 0L, 0L);
                    TEXTS[errno] = MemorySegment.ofAddress(s).reinterpret(256).getString(0);
                } catch (Error | RuntimeException e) {
                    throw e;
                } catch (Throwable e) {
                    throw Libc.unexpected(e);
                }
            }
            return TEXTS[errno];
        }
    }
}
