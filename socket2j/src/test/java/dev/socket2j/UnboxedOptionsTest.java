package dev.socket2j;

import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unboxed option accessors ({@code get/setIntOption}, {@code get/setBooleanOption}) read and write what the generic ones do. */
class UnboxedOptionsTest {

    /** Every readable int or boolean option of the table, on a socket of each kind: the same value, or the same errno. */
    @Test
    void unboxedGettersReadWhatTheGenericGetterReadsForEveryIntAndBooleanOption() throws Exception {
        List<String> compared = new ArrayList<>();
        for (Type type : List.of(Type.DGRAM, Type.STREAM)) {
            for (Domain domain : List.of(Domain.IPV4, Domain.IPV6, Domain.UNIX)) {
                if (domain.equals(Domain.IPV6) && !TestSockets.ipv6Available()) continue;
                try (Socket s = Socket.open(domain, type)) {
                    for (SockOpt<?> o : SockOpt.all()) {
                        if (!o.readable()) continue;
                        if (o.codec().type() == Integer.class) {
                            @SuppressWarnings("unchecked") SockOpt<Integer> io = (SockOpt<Integer>) o;
                            Object boxed = readOrErrno(() -> s.getOption(io));
                            Object unboxed = readOrErrno(() -> s.getIntOption(io));
                            assertEquals(boxed, unboxed, o.name() + " on " + domain + "/" + type);
                            compared.add(o.name());
                        } else if (o.codec().type() == Boolean.class) {
                            @SuppressWarnings("unchecked") SockOpt<Boolean> bo = (SockOpt<Boolean>) o;
                            Object boxed = readOrErrno(() -> s.getOption(bo));
                            Object unboxed = readOrErrno(() -> s.getBooleanOption(bo));
                            assertEquals(boxed, unboxed, o.name() + " on " + domain + "/" + type);
                            compared.add(o.name());
                        }
                    }
                }
            }
        }
        assertTrue(compared.contains("SO_RCVBUF") && compared.contains("TCP_NODELAY") && compared.contains("IP_TOS"), "" + compared);
    }

    private interface Read { Object get() throws IOException; }

    /** The value, or the errno name of the refusal. */
    private static Object readOrErrno(Read r) {
        try {
            return r.get();
        } catch (IOException e) {
            return "errno " + assertInstanceOf(OsError.class, e).errno();
        }
    }

    @Test
    void typedGettersReturnWhatTheKernelHasAfterUnboxedSetters() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.setRecvBufferSize(100_000);
            assertEquals(200_000, s.recvBufferSize(), "Linux doubles SO_RCVBUF");
            assertEquals(s.getOption(SockOpt.SO_RCVBUF), s.recvBufferSize());
            s.setTtlV4(77);
            assertEquals(77, s.ttlV4());
            assertEquals(77, s.getOption(SockOpt.IP_TTL));
            s.setBroadcast(true);
            assertTrue(s.broadcast());
            assertEquals(true, s.getOption(SockOpt.SO_BROADCAST));
            s.setBooleanOption(SockOpt.SO_BROADCAST, false);
            assertEquals(false, s.getOption(SockOpt.SO_BROADCAST));
            s.setIntOption(SockOpt.IP_TOS, 0x10);
            assertEquals(0x10, s.tosV4());
        }
        try (Socket s = Socket.open(Domain.IPV4, Type.STREAM)) {
            s.setTcpNodelay(true);
            assertTrue(s.tcpNodelay());
            assertEquals(true, s.getOption(SockOpt.TCP_NODELAY));
            assertEquals(C.SOCK_STREAM, s.getIntOption(SockOpt.SO_TYPE) & 0xF);
        }
    }

    @Test
    void unboxedSetterRefusesAValueOutsideTheRangeBeforeTheSyscall() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.setIntOption(SockOpt.IP_TOS, 0x20);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setIntOption(SockOpt.IP_TOS, 256));
            assertTrue(e.getMessage().contains("256"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.setTtlV4(-2));
            assertEquals(0x20, s.tosV4(), "the refused value never reached the kernel");
        }
    }

    @Test
    void unboxedAccessorsRefuseWhatTheDescriptorCannotDo() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            assertThrows(UnsupportedOperationException.class, () -> s.setIntOption(SockOpt.SO_TYPE, 1), "read-only");
            assertThrows(UnsupportedOperationException.class, () -> s.getIntOption(SockOpt.SO_DETACH_FILTER), "write-only");
            IOException e = assertThrows(IOException.class, () -> s.getBooleanOption(SockOpt.TCP_NODELAY));
            assertTrue(e.getMessage().contains("getsockopt(TCP_NODELAY)"), e.getMessage());
            assertInstanceOf(OsError.class, e);
        }
    }

    @Test
    void unboxedAccessorsOfAClosedSocketFailAsTheGenericOnesDo() throws IOException {
        Socket s = Socket.open(Domain.IPV4, Type.DGRAM);
        s.close();
        IOException generic = assertThrows(IOException.class, () -> s.getOption(SockOpt.SO_RCVBUF));
        assertEquals(generic.getClass(), assertThrows(IOException.class, () -> s.recvBufferSize()).getClass());
        assertEquals(generic.getClass(), assertThrows(IOException.class, () -> s.setRecvBufferSize(4096)).getClass());
        assertEquals(generic.getClass(), assertThrows(IOException.class, () -> s.broadcast()).getClass());
        assertEquals(generic.getClass(), assertThrows(IOException.class, () -> s.setBroadcast(true)).getClass());
    }

    /** An Integer codec that is not a {@link Codec.OfInt}: the unboxed accessors take the generic path and agree. */
    @Test
    void aCodecWithoutAnUnboxedFormStillWorksThroughTheUnboxedAccessors() throws IOException {
        Codec<Integer> plain = new Codec<>() {
            @Override public Class<?> type() { return Integer.class; }
            @Override public int size() { return 4; }
            @Override public int encode(Integer v, MemorySegment buf) { return Codecs.INT.encode(Objects.requireNonNull(v), buf); }
            @Override public Integer decode(MemorySegment buf, int len) { return Codecs.INT.decode(buf, len); }
            @Override public Integer parse(String text) { return Codecs.INT.parse(text); }
        };
        SockOpt<Integer> rcvbuf = SockOpt.custom("SO_RCVBUF", SockOpt.SO_RCVBUF.level(), SockOpt.SO_RCVBUF.optname(), plain, true, true);
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.setIntOption(rcvbuf, 50_000);
            assertEquals(100_000, s.getIntOption(rcvbuf));
            assertEquals(100_000, s.recvBufferSize());
        }
    }

    @Test
    void aBorrowedDescriptorReadsTheSameUnboxedValues() throws IOException {
        try (Socket s = Socket.open(Domain.IPV4, Type.DGRAM)) {
            s.setRecvBufferSize(60_000);
            SockRef r = SockRef.borrow(s);
            assertEquals(s.recvBufferSize(), r.recvBufferSize());
            r.setBroadcast(true);
            assertTrue(s.broadcast());
        }
    }
}
