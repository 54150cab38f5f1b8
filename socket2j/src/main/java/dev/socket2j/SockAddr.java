package dev.socket2j;

import dev.socket2j.internal.C;
import dev.socket2j.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A socket address of any family, as the kernel sees it: the bytes of a {@code sockaddr_storage} and the
 * length that is in use. Immutable; equality and hash cover the used bytes only.
 *
 * <p>Layouts (Linux): {@code sockaddr_in} 16 bytes, {@code sockaddr_in6} 28 (flow info and scope id kept
 * as given), {@code sockaddr_un} 110 with a 108-byte {@code sun_path}, {@code sockaddr_vm} 16.
 */
public final class SockAddr {
    /** {@code sizeof(struct sockaddr_storage)}. */
    public static final int STORAGE_SIZE = (int) Layouts.SOCKADDR_STORAGE_SIZE;
    private static final int SUN_PATH = (int) Layouts.SUN_PATH_OFFSET;

    private final byte[] storage;  // exactly the bytes in use
    private final int len;         // storage.length, kept as a field for the accessors below

    private SockAddr(byte[] bytes) {
        this.storage = bytes;
        this.len = bytes.length;
    }

    /** The address in the storage form {@code (storage, len)}; {@code len} may not exceed 128. */
    public static SockAddr fromBytes(byte[] bytes, int len) {
        if (len < 0 || len > STORAGE_SIZE || len > bytes.length) {
            throw new IllegalArgumentException("sockaddr length " + len + " outside 0.." + Math.min(bytes.length, STORAGE_SIZE));
        }
        return new SockAddr(Arrays.copyOf(bytes, len));
    }

    /** Reads {@code len} bytes of a sockaddr the kernel wrote into {@code seg}. */
    public static SockAddr fromSegment(MemorySegment seg, int len) {
        if (len < 0 || len > STORAGE_SIZE || len > seg.byteSize()) {
            throw new IllegalArgumentException("sockaddr length " + len + " outside 0.." + Math.min(seg.byteSize(), STORAGE_SIZE));
        }
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, b, 0, len);
        return new SockAddr(b);
    }

    /** Writes this address into {@code seg} (at least {@link #len()} bytes) and returns {@link #len()}. */
    public int copyTo(MemorySegment seg) {
        MemorySegment.copy(storage, 0, seg, ValueLayout.JAVA_BYTE, 0, len);
        return len;
    }

    /** A copy of the used bytes. */
    public byte[] toBytes() { return storage.clone(); }

    // ------------------------------------------------------------------ IP

    /**
     * {@code sockaddr_in} or {@code sockaddr_in6} for a resolved address. An IPv6 address keeps its scope id
     * ({@link Inet6Address#getScopeId()}); flow info is 0.
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static SockAddr of(InetSocketAddress address) {
        if (address.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + address);
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet6Address v6) return ipv6(v6, address.getPort(), 0, v6.getScopeId());
        return ipv4((Inet4Address) ip, address.getPort());
    }

    /** {@code sockaddr_in}: family, port in network order, the four octets. */
    public static SockAddr ipv4(Inet4Address ip, int port) {
        checkPort(port);
        byte[] b = new byte[(int) Layouts.SOCKADDR_IN_SIZE];
        putShort(b, 0, C.AF_INET);
        b[2] = (byte) (port >>> 8);
        b[3] = (byte) port;
        System.arraycopy(ip.getAddress(), 0, b, 4, 4);
        return new SockAddr(b);
    }

    /** {@code sockaddr_in6} with the given flow info and scope id, stored as given (host order, as socket2 does). */
    public static SockAddr ipv6(Inet6Address ip, int port, int flowinfo, int scopeId) {
        checkPort(port);
        byte[] b = new byte[(int) Layouts.SOCKADDR_IN6_SIZE];
        putShort(b, 0, C.AF_INET6);
        b[2] = (byte) (port >>> 8);
        b[3] = (byte) port;
        putInt(b, 4, flowinfo);
        System.arraycopy(ip.getAddress(), 0, b, 8, 16);
        putInt(b, 24, scopeId);
        return new SockAddr(b);
    }

    /**
     * For an IPv4 address, the same address as an IPv4-mapped IPv6 {@code sockaddr_in6} ({@code ::ffff:a.b.c.d}),
     * which a dual-stack {@code AF_INET6} socket (with {@code IPV6_V6ONLY} off) accepts; the JDK cannot
     * express this form as an {@link Inet6Address}. Any other address is returned as is.
     */
    public SockAddr toIpv4Mapped() {
        if (!isIpv4()) return this;
        byte[] b = new byte[(int) Layouts.SOCKADDR_IN6_SIZE];
        putShort(b, 0, C.AF_INET6);
        b[2] = storage[2];
        b[3] = storage[3];
        b[18] = (byte) 0xFF;
        b[19] = (byte) 0xFF;
        System.arraycopy(storage, 4, b, 20, 4);
        return new SockAddr(b);
    }

    /** Any supported {@link SocketAddress}: {@link InetSocketAddress} or {@link UnixDomainSocketAddress}. */
    public static SockAddr of(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> of(inet);
            case UnixDomainSocketAddress unix -> unix(unix.getPath());
            case null -> throw new NullPointerException("address");
            default -> throw new IllegalArgumentException("unsupported address type: " + address.getClass().getName());
        };
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }

    // ------------------------------------------------------------------ Unix

    /** A pathname (or, if it starts with NUL, abstract) {@code sockaddr_un}; see {@link #unix(byte[])}. */
    public static SockAddr unix(Path path) {
        return unix(path.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #unix(byte[])} of the UTF-8 bytes of {@code path}. */
    public static SockAddr unix(String path) {
        return unix(path.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code sockaddr_un} from raw path bytes, as socket2's {@code SockAddr::unix}: a pathname takes at most 107
     * bytes (the kernel needs room for the NUL), a name starting with NUL is abstract and takes at most 108,
     * an empty one is the unnamed address.
     *
     * @throws IllegalArgumentException if the path does not fit {@code sun_path}
     */
    public static SockAddr unix(byte[] path) {
        boolean abstractName = path.length > 0 && path[0] == 0;
        if (abstractName ? path.length > C.SUN_PATH_LEN : path.length >= C.SUN_PATH_LEN) {
            throw new IllegalArgumentException("unix socket path must be shorter than " + C.SUN_PATH_LEN
                + " bytes (sun_path), got " + path.length);
        }
        int len = SUN_PATH + path.length + (abstractName || path.length == 0 ? 0 : 1);
        byte[] b = new byte[len];
        putShort(b, 0, C.AF_UNIX);
        System.arraycopy(path, 0, b, SUN_PATH, path.length);
        return new SockAddr(b);
    }

    /** An abstract-namespace {@code sockaddr_un} (Linux): NUL, then {@code name} (at most 107 bytes). */
    public static SockAddr unixAbstract(byte[] name) {
        byte[] p = new byte[name.length + 1];
        System.arraycopy(name, 0, p, 1, name.length);
        return unix(p);
    }

    /** The unnamed Unix address: family only, length 2 (what an unbound Unix socket reports). */
    public static SockAddr unixUnnamed() {
        return unix(new byte[0]);
    }

    // ------------------------------------------------------------------ vsock

    /** A vsock address (cid, port). */
    public record VsockAddress(int cid, int port) {
        @Override public String toString() {
            return "vsock:" + Integer.toUnsignedString(cid) + ":" + Integer.toUnsignedString(port);
        }
    }

    /** {@code sockaddr_vm} for (cid, port); {@code -1} is {@code VMADDR_CID_ANY} / {@code VMADDR_PORT_ANY}. */
    public static SockAddr vsock(int cid, int port) {
        byte[] b = new byte[(int) Layouts.SOCKADDR_VM_SIZE];
        putShort(b, 0, C.AF_VSOCK);
        putInt(b, 4, port);
        putInt(b, 8, cid);
        return new SockAddr(b);
    }

    // ------------------------------------------------------------------ accessors

    /** {@code ss_family}, 0 ({@code AF_UNSPEC}) for an empty address. */
    public int family() { return len < 2 ? C.AF_UNSPEC : Short.toUnsignedInt((short) SHORT.get(storage, 0)); }

    /** {@link #family()} as a {@link Domain}. */
    public Domain domain() { return new Domain(family()); }

    /** The length in use, in bytes. */
    public int len() { return len; }

    /** Whether this is an {@code AF_INET} address ({@code sockaddr_in}). */
    public boolean isIpv4() { return family() == C.AF_INET; }
    /** Whether this is an {@code AF_INET6} address ({@code sockaddr_in6}). */
    public boolean isIpv6() { return family() == C.AF_INET6; }
    /** Whether this is an {@code AF_UNIX} address ({@code sockaddr_un}). */
    public boolean isUnix() { return family() == C.AF_UNIX; }

    /** The IP address and port of an {@code AF_INET}/{@code AF_INET6} address (IPv6 with its scope id). */
    public Optional<InetSocketAddress> asSocket() {
        try {
            if (isIpv4() && len >= Layouts.SOCKADDR_IN_SIZE) {
                return Optional.of(new InetSocketAddress(
                    InetAddress.getByAddress(Arrays.copyOfRange(storage, 4, 8)), port()));
            }
            if (isIpv6() && len >= Layouts.SOCKADDR_IN6_SIZE) {
                byte[] a = Arrays.copyOfRange(storage, 8, 24);
                int scope = scopeId();
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
                return Optional.of(new InetSocketAddress(ip, port()));
            }
        } catch (UnknownHostException e) {
            throw new AssertionError(e);  // only for a wrong byte count, excluded above
        }
        return Optional.empty();
    }

    /** {@link #asSocket()} if this is IPv4. */
    public Optional<InetSocketAddress> asSocketIpv4() { return isIpv4() ? asSocket() : Optional.empty(); }

    /** {@link #asSocket()} if this is IPv6. */
    public Optional<InetSocketAddress> asSocketIpv6() { return isIpv6() ? asSocket() : Optional.empty(); }

    private int port() { return (storage[2] & 0xFF) << 8 | (storage[3] & 0xFF); }

    /** {@code sin6_flowinfo} of an IPv6 address, else 0. */
    public int flowinfo() { return isIpv6() && len >= 8 ? getInt(storage, 4) : 0; }

    /** {@code sin6_scope_id} of an IPv6 address, else 0. */
    public int scopeId() { return isIpv6() && len >= 28 ? getInt(storage, 24) : 0; }

    /** (cid, port) of an {@code AF_VSOCK} address. */
    public Optional<VsockAddress> asVsockAddress() {
        if (family() != C.AF_VSOCK || len < Layouts.SOCKADDR_VM_SIZE) return Optional.empty();
        return Optional.of(new VsockAddress(getInt(storage, 8), getInt(storage, 4)));
    }

    /** A Unix address with no name: what an unbound or socketpair socket reports. */
    public boolean isUnnamed() { return isUnix() && len == SUN_PATH; }

    /** The path of a pathname Unix address (the terminating NUL excluded). */
    public Optional<Path> asPathname() {
        if (!isUnix() || len <= SUN_PATH || storage[SUN_PATH] == 0) return Optional.empty();
        int end = SUN_PATH;
        while (end < len && storage[end] != 0) end++;
        return Optional.of(Path.of(new String(storage, SUN_PATH, end - SUN_PATH, StandardCharsets.UTF_8)));
    }

    /** The name of an abstract Unix address, without the leading NUL. */
    public Optional<byte[]> asAbstractNamespace() {
        if (!isUnix() || len <= SUN_PATH || storage[SUN_PATH] != 0) return Optional.empty();
        return Optional.of(Arrays.copyOfRange(storage, SUN_PATH + 1, len));
    }

    /** A pathname Unix address as the JDK's {@link UnixDomainSocketAddress}. */
    public Optional<UnixDomainSocketAddress> asUnix() {
        return asPathname().map(UnixDomainSocketAddress::of);
    }

    /** The JDK form: {@link InetSocketAddress} or {@link UnixDomainSocketAddress} where one exists. */
    public Optional<SocketAddress> asSocketAddress() {
        // orElse rather than map(a -> a): a lambda is a class generated when first run (a server's first accept)
        if (isIpv4() || isIpv6()) return Optional.ofNullable(asSocket().orElse(null));
        return Optional.ofNullable(asUnix().orElse(null));
    }

    @Override public boolean equals(Object o) {
        return o instanceof SockAddr other && Arrays.equals(storage, other.storage);
    }

    @Override public int hashCode() { return Arrays.hashCode(storage); }

    @Override public String toString() {
        if (isIpv4() || isIpv6()) return asSocket().map(InetSocketAddress::toString).orElse("SockAddr{" + domain() + ", len=" + len + "}");
        if (isUnnamed()) return "unix:(unnamed)";
        var p = asPathname();
        if (p.isPresent()) return "unix:" + p.get();
        var a = asAbstractNamespace();
        if (a.isPresent()) return "unix:@" + new String(a.get(), StandardCharsets.UTF_8);
        var v = asVsockAddress();
        if (v.isPresent()) return v.get().toString();
        return "SockAddr{" + domain() + ", len=" + len + "}";
    }

    // sa_family and the vsock/IPv6 integer fields are in the host's byte order
    private static final VarHandle SHORT =
        MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT =
        MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static void putShort(byte[] b, int off, int v) { SHORT.set(b, off, (short) v); }

    private static void putInt(byte[] b, int off, int v) { INT.set(b, off, v); }

    private static int getInt(byte[] b, int off) { return (int) INT.get(b, off); }
}
