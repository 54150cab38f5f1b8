package dev.socket2j;

import dev.socket2j.ControlMessage.IpTos;
import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.internal.C;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

import static dev.socket2j.MsgTestSupport.fdTarget;
import static dev.socket2j.MsgTestSupport.recvTimeout;
import static dev.socket2j.MsgTestSupport.setInt;
import static dev.socket2j.MsgTestSupport.stillOpen;
import static dev.socket2j.MsgTestSupport.udp;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendmmsg / recvmmsg through MsgBatch. */
class MsgBatchTest {
    static final int N = 64;

    /** 64 datagrams per call each way; order and each datagram's sender are kept. */
    @Test
    void sixtyFourDatagramsPerCallKeepOrderAndSenders() throws Exception {
        try (Socket a = udp(false); Socket c = udp(false); Socket b = udp(false);
             MsgBatch out = MsgBatch.allocate(N, 64, 0); MsgBatch in = MsgBatch.allocate(N, 64, 0)) {
            SockAddr to = b.localAddr();
            for (int i = 0; i < N; i++) out.add(ByteBuffer.allocate(8).putInt(i).putInt(~i).flip(), to);
            assertEquals(N, a.sendmmsg(out, 0), "one sendmmsg moves all 64");
            for (int i = 0; i < N; i++) assertEquals(8, out.length(i));
            assertEquals(N, b.recvmmsg(in, 0), "one recvmmsg moves all 64");
            assertEquals(N, in.size());
            for (int i = 0; i < N; i++) {
                assertEquals(8, in.length(i));
                assertEquals(i, Integer.reverseBytes(in.data(i).get(JAVA_INT, 0)), "order at " + i);
                assertEquals(a.localAddr(), in.addr(i));
            }

            // two senders, half each: arrival order and addresses per datagram
            out.clear();
            for (int i = 0; i < N / 2; i++) out.add(new byte[] {(byte) i}, 0, 1, to);
            assertEquals(N / 2, a.sendmmsg(out, 0));
            assertEquals(N / 2, c.sendmmsg(out, 0));
            assertEquals(N, b.recvmmsg(in, 0));
            for (int i = 0; i < N; i++) {
                byte[] one = new byte[1];
                assertEquals(1, in.copyData(i, one, 0));
                assertEquals(i % (N / 2), one[0]);
                assertEquals(i < N / 2 ? a.localAddr() : c.localAddr(), in.addr(i), "sender of " + i);
            }
        }
    }

    /** A partial range: sendmmsg from slot 10 for 5 slots; MSG_WAITFORONE returns what is queued. */
    @Test
    void rangesAndWaitForOne() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false);
             MsgBatch out = MsgBatch.allocate(16, 16, 0); MsgBatch in = MsgBatch.allocate(16, 16, 0)) {
            for (int i = 0; i < 16; i++) out.add(new byte[] {(byte) i}, 0, 1, b.localAddr());
            assertEquals(5, a.sendmmsg(out, 10, 5, 0));
            assertEquals(5, b.recvmmsg(in, 16, C.MSG_WAITFORONE));
            for (int i = 0; i < 5; i++) assertEquals(10 + i, in.data(i).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalArgumentException.class, () -> a.sendmmsg(out, 10, 7, 0));
            assertThrows(IllegalArgumentException.class, () -> b.recvmmsg(in, 17, 0));
            assertThrows(IllegalArgumentException.class, () -> b.recvmmsg(in, 0, 0));
        }
    }

    /** Truncation per slot, and per-slot control messages both ways. */
    @Test
    void perSlotFlagsAndControl() throws Exception {
        try (Socket a = udp(false); Socket b = udp(false);
             MsgBatch out = MsgBatch.allocate(2, 100, 64); MsgBatch in = MsgBatch.allocate(2, 10, 64)) {
            setInt(b, "IP_RECVTOS", C.IPPROTO_IP, C.IP_RECVTOS, 1);
            out.add(new byte[50], 0, 50, b.localAddr());
            out.setControl(0, new IpTos(0x10));
            out.add(new byte[5], 0, 5, b.localAddr());
            assertEquals(2, a.sendmmsg(out, 0));
            assertEquals(2, b.recvmmsg(in, 0));
            assertTrue(in.flags(0).isTruncated());
            assertEquals(10, in.length(0));
            assertFalse(in.flags(1).isTruncated());
            assertEquals(List.of(new IpTos(0x10)), in.controlMessages(0));
            assertEquals(List.of(new IpTos(0)), in.controlMessages(1));
        }
    }

    /** Descriptors received by recvmmsg are owned by the batch until taken, closed by the next receive otherwise. */
    @Test
    void fdsInABatch() throws Exception {
        Socket[] chan = Socket.pair(Domain.UNIX, Type.DGRAM, null);
        Socket[] carried = Socket.pair(Domain.UNIX, Type.STREAM, null);
        Socket[] carried2 = Socket.pair(Domain.UNIX, Type.STREAM, null);
        try (MsgBatch out = MsgBatch.allocate(2, 8, ControlMessage.spaceFor(4));
             MsgBatch in = MsgBatch.allocate(2, 8, ControlMessage.spaceFor(4))) {
            recvTimeout(chan[1], 20);
            out.add(new byte[] {1}, 0, 1, null);
            out.setControl(0, ScmRights.of(carried[0]));
            out.add(new byte[] {2}, 0, 1, null);
            out.setControl(1, ScmRights.of(carried[1]));
            assertEquals(2, chan[0].sendmmsg(out, 0));
            assertEquals(2, chan[1].recvmmsg(in, 0));
            int fd0 = ((ScmRights) in.controlMessages(0).get(0)).fds()[0];
            int fd1 = ((ScmRights) in.controlMessages(1).get(0)).fds()[0];
            String t0 = fdTarget(fd0), t1 = fdTarget(fd1);
            assertEquals(fdTarget(carried[0].rawFd()), t0);

            out.setControl(0, ScmRights.of(carried2[0]));  // other sockets: a reused fd number shows another inode
            out.setControl(1, ScmRights.of(carried2[1]));
            chan[0].sendmmsg(out, 0);
            chan[1].recvmmsg(in, 0);  // the two from the first round were never taken: closed now
            assertFalse(stillOpen(fd0, t0));
            assertFalse(stillOpen(fd1, t1));
            List<Socket> taken = in.takeFds();
            assertEquals(2, taken.size());
            in.close();
            for (Socket s : taken) {
                assertTrue(fdTarget(s.rawFd()) != null, "taken fds survive the batch's close");
                s.close();
            }
        } finally {
            for (Socket s : chan) s.close();
            for (Socket s : carried) s.close();
            for (Socket s : carried2) s.close();
        }
    }

    @Test
    void badInput() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> MsgBatch.allocate(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> MsgBatch.allocate(C.UIO_MAXIOV + 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> MsgBatch.allocate(4, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> MsgBatch.allocate(4, 10, -1));
        try (MsgBatch b = MsgBatch.allocate(1, 4, 0)) {
            assertThrows(IllegalArgumentException.class, () -> b.add(new byte[8], 0, -1, null));
            assertThrows(IllegalArgumentException.class, () -> b.add(new byte[8], -1, 2, null));
            assertThrows(IllegalArgumentException.class, () -> b.add(new byte[8], 0, 5, null), "larger than the slot");
            b.add(new byte[4], 0, 4, null);
            assertThrows(IllegalStateException.class, () -> b.add(new byte[1], 0, 1, null), "full");
            assertThrows(IllegalArgumentException.class, () -> b.setControl(0, new IpTos(1)), "no control capacity");
            assertThrows(IndexOutOfBoundsException.class, () -> b.setControl(1, new IpTos(1)));
        }
        Socket s = udp(false);
        s.close();
        try (MsgBatch b = MsgBatch.allocate(1, 4, 0)) {
            b.add(new byte[1], 0, 1, SockAddr.of(new java.net.InetSocketAddress(MsgTestSupport.V4, 9)));
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> s.sendmmsg(b, 0));
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> s.recvmmsg(b, 0));
            b.close();
            assertThrows(IllegalStateException.class, () -> b.add(new byte[1], 0, 1, null));
        }
    }

    /**
     * Steady state allocates nothing per datagram: after warm-up, rounds of add + sendmmsg + recvmmsg + copyData of
     * 64 datagrams allocate (on this thread) under 8 bytes per datagram on average. The smallest Java object is 16
     * bytes, so this excludes any per-datagram allocation while leaving room for a few bytes per system call
     * (about 80 bytes per round were measured on JDK 25).
     */
    @Test
    void steadyStateAllocatesNothingPerDatagram() throws Exception {
        // through reflection: the tests compile inside module dev.socket2j, which does not read java.management
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocated = Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getCurrentThreadAllocatedBytes");
        try (Socket a = udp(false); Socket b = udp(false); Arena arena = Arena.ofConfined();
             MsgBatch out = MsgBatch.allocate(N, 256, 0); MsgBatch in = MsgBatch.allocate(N, 256, 0)) {
            SockAddr to = b.localAddr();
            MemorySegment src = arena.allocate(200);
            byte[] dst = new byte[256];
            long warm = 2000, measured = 500;
            long before = 0;
            for (long round = 0; round < warm + measured; round++) {
                if (round == warm) before = (long) allocated.invoke(mx);
                out.clear();
                for (int i = 0; i < N; i++) out.add(src, to);
                int sent = 0;
                while (sent < N) sent += a.sendmmsg(out, sent, N - sent, 0);
                int got = 0;
                while (got < N) {
                    int n = b.recvmmsg(in, N - got, C.MSG_WAITFORONE);
                    for (int i = 0; i < n; i++) in.copyData(i, dst, 0);
                    got += n;
                }
            }
            long bytes = (long) allocated.invoke(mx) - before;
            double perDatagram = (double) bytes / (measured * N);
            System.out.printf("MsgBatch steady state: %d bytes allocated over %d datagrams (%.3f per datagram)%n",
                bytes, measured * N, perDatagram);
            assertTrue(perDatagram < 8.0, bytes + " bytes allocated for " + measured * N + " datagrams");
        }
    }
}
