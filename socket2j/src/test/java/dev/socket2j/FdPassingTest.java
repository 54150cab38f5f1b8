package dev.socket2j;

import dev.socket2j.ControlMessage.ScmCredentials;
import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Sys;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.socket2j.MsgTestSupport.fdTarget;
import static dev.socket2j.MsgTestSupport.recvTimeout;
import static dev.socket2j.MsgTestSupport.setInt;
import static dev.socket2j.MsgTestSupport.stillOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SCM_RIGHTS and SCM_CREDENTIALS over Unix socket pairs. */
class FdPassingTest {
    private static Socket[] unixPair(Type type) throws Exception {
        Socket[] p = Socket.pair(Domain.UNIX, type, null);
        recvTimeout(p[0], 20);
        recvTimeout(p[1], 20);
        return p;
    }

    private static void closeAll(Socket... s) throws Exception {
        for (Socket x : s) x.close();
    }

    private static String recvString(Socket s, int max) throws Exception {
        byte[] b = new byte[max];
        int n = s.recv(b);
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** A passed descriptor is a working socket in the receiver: data written to it arrives at its peer. */
    @Test
    void passedFdIsAWorkingSocket() throws Exception {
        Socket[] chan = unixPair(Type.STREAM);
        Socket[] carried = unixPair(Type.STREAM);
        try {
            long sent = chan[0].sendmsg(new MsgHdr().withBuffers(ByteBuffer.wrap(new byte[] {'x'}))
                .withControl(ScmRights.of(carried[0])), 0);
            assertEquals(1, sent);
            carried[0].close();  // the receiver's copy is independent of ours
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8))
                    .withControl(ControlMessage.spaceFor(4))) {
                assertEquals(1, chan[1].recvmsg(m, 0));
                ScmRights rights = assertInstanceOf(ScmRights.class, m.controlMessages().get(0));
                assertEquals(1, rights.fds().length);
                assertEquals(1, m.fdCount());
                List<Socket> got = m.takeFds();
                assertEquals(0, m.fdCount());
                try (Socket received = got.get(0)) {
                    assertEquals(rights.fds()[0], received.rawFd());
                    assertTrue(received.cloexec(), "received with MSG_CMSG_CLOEXEC");
                    received.send("through the passed fd".getBytes(StandardCharsets.UTF_8));
                    assertEquals("through the passed fd", recvString(carried[1], 64));
                    carried[1].send("and back".getBytes(StandardCharsets.UTF_8));
                    assertEquals("and back", recvString(received, 64));
                }
            }
        } finally {
            closeAll(chan);
            closeAll(carried);
        }
    }

    /** Several descriptors and data in one message; each taken descriptor is closed exactly once, by its owner. */
    @Test
    void severalFdsWithData() throws Exception {
        Socket[] chan = unixPair(Type.SEQPACKET);
        List<Socket[]> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) pairs.add(unixPair(Type.STREAM));
            ScmRights rights = ScmRights.of(pairs.get(0)[0], pairs.get(1)[0], pairs.get(2)[0]);
            byte[] data = "three descriptors and some data".getBytes(StandardCharsets.UTF_8);
            assertEquals(data.length, chan[0].sendmsg(new MsgHdr().withBuffers(ByteBuffer.wrap(data)).withControl(rights), 0));

            ByteBuffer buf = ByteBuffer.allocate(64);
            List<Socket> taken;
            String[] targets = new String[3];
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(buf).withControl(ControlMessage.spaceFor(3 * 4))) {
                assertEquals(data.length, chan[1].recvmsg(m, 0));
                assertEquals("three descriptors and some data", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                assertFalse(m.flags().isControlTruncated());
                taken = m.takeFds();
                assertEquals(3, taken.size());
                for (int i = 0; i < 3; i++) targets[i] = fdTarget(taken.get(i).rawFd());
            }
            // closing the header after takeFds() leaves the taken sockets open
            for (int i = 0; i < 3; i++) {
                Socket t = taken.get(i);
                assertTrue(stillOpen(t.rawFd(), targets[i]));
                t.send(new byte[] {(byte) i});
                byte[] one = new byte[1];
                assertEquals(1, pairs.get(i)[1].recv(one));
                assertEquals(i, one[0]);
                t.close();
                t.close();  // idempotent: no second close(2) of a number that may be reused
                assertFalse(stillOpen(t.rawFd(), targets[i]));
            }
        } finally {
            closeAll(chan);
            for (Socket[] p : pairs) closeAll(p);
        }
    }

    /** Descriptors the caller never takes are closed by the next receive into the header, and by close(). */
    @Test
    void ignoredFdsAreClosedNotLeaked() throws Exception {
        Socket[] chan = unixPair(Type.DGRAM);
        Socket[] carried = unixPair(Type.STREAM);
        try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8)).withControl(ControlMessage.spaceFor(8))) {
            MsgHdr withFds = new MsgHdr().withBuffers(ByteBuffer.wrap(new byte[] {1})).withControl(ScmRights.of(carried[0], carried[1]));
            chan[0].sendmsg(withFds, 0);
            chan[1].recvmsg(m, 0);
            assertEquals(2, m.fdCount());
            int[] first = ((ScmRights) m.controlMessages().get(0)).fds();
            String t0 = fdTarget(first[0]), t1 = fdTarget(first[1]);
            assertNotNull(t0);
            assertEquals(fdTarget(carried[0].rawFd()), t0, "the received fd is the same socket");

            // next receive (no descriptors this time): the two not taken are closed first
            chan[0].send(new byte[] {2});
            chan[1].recvmsg(m, 0);
            assertEquals(0, m.fdCount());
            assertFalse(stillOpen(first[0], t0));
            assertFalse(stillOpen(first[1], t1));

            // close() of the header closes what the last receive brought
            chan[0].sendmsg(withFds, 0);
            chan[1].recvmsg(m, 0);
            int[] second = ((ScmRights) m.controlMessages().get(0)).fds();
            String s0 = fdTarget(second[0]);
            m.close();
            assertFalse(stillOpen(second[0], s0));
            assertEquals(0, m.fdCount());
        } finally {
            closeAll(chan);
            closeAll(carried);
        }
    }

    /**
     * A control buffer of CMSG_SPACE(4) = 24 bytes has room for two of four descriptors: the kernel installs two,
     * drops the others itself and sets MSG_CTRUNC; those installed are owned (and closed) like any other.
     */
    @Test
    void truncatedRightsKeepOnlyWhatArrived() throws Exception {
        Socket[] chan = unixPair(Type.DGRAM);
        Socket[] carried = unixPair(Type.STREAM);
        try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8)).withControl(ControlMessage.spaceFor(4))) {
            chan[0].sendmsg(new MsgHdr().withBuffers(ByteBuffer.wrap(new byte[] {1}))
                .withControl(ScmRights.of(carried[0], carried[1], carried[0], carried[1])), 0);
            chan[1].recvmsg(m, 0);
            assertTrue(m.flags().isControlTruncated());
            assertEquals(2, m.fdCount());
            ScmRights r = (ScmRights) m.controlMessages().get(0);
            assertEquals(2, r.fds().length);
            String t0 = fdTarget(r.fds()[0]), t1 = fdTarget(r.fds()[1]);
            m.close();
            assertFalse(stillOpen(r.fds()[0], t0));
            assertFalse(stillOpen(r.fds()[1], t1));
        } finally {
            closeAll(chan);
            closeAll(carried);
        }
    }

    /** A closed socket cannot be named for passing, and the kernel refuses a closed descriptor number (EBADF). */
    @Test
    void closedSocketsAreRefused() throws Exception {
        Socket[] chan = unixPair(Type.DGRAM);
        Socket[] carried = unixPair(Type.STREAM);
        try {
            carried[0].close();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ScmRights.of(carried[0]));
            int closedNumber = carried[0].rawFd();
            if (fdTarget(closedNumber) == null) {  // not reused by another thread meanwhile
                var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> chan[0].sendmsg(
                    new MsgHdr().withBuffers(ByteBuffer.wrap(new byte[] {1})).withControl(new ScmRights(new int[] {closedNumber})), 0));
                assertEquals("EBADF", ((OsError) e).errnoName());
            }
        } finally {
            closeAll(chan);
            closeAll(carried);
        }
    }

    /** With SO_PASSCRED, each message carries the sender's pid/uid/gid; sending our own explicitly is accepted. */
    @Test
    void credentialsMatchThisProcess() throws Exception {
        Socket[] chan = unixPair(Type.DGRAM);
        try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8)).withControl(ControlMessage.spaceFor(12))) {
            assertEquals(0, MsgTestSupport.getInt(chan[1], "SO_PASSCRED", C.SOL_SOCKET, C.SO_PASSCRED));
            setInt(chan[1], "SO_PASSCRED", C.SOL_SOCKET, C.SO_PASSCRED, 1);
            ScmCredentials me = new ScmCredentials(Sys.getpid(), Sys.getuid(), Sys.getgid());

            chan[0].send(new byte[] {1});
            chan[1].recvmsg(m, 0);
            assertEquals(List.of(me), m.controlMessages());

            chan[0].sendmsg(new MsgHdr().withBuffers(ByteBuffer.wrap(new byte[] {2})).withControl(me), 0);
            chan[1].recvmsg(m, 0);
            assertEquals(List.of(me), m.controlMessages());
            assertNotEquals(0, me.pid());
        } finally {
            closeAll(chan);
        }
    }
}
