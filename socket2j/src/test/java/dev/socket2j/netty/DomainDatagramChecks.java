package dev.socket2j.netty;

import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.Domain;
import dev.socket2j.MsgHdr;
import dev.socket2j.MsgHdrMut;
import dev.socket2j.SockAddr;
import dev.socket2j.SockOpt;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.TestSockets;
import dev.socket2j.Type;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks of the Unix datagram channels that both engines must pass. */
final class DomainDatagramChecks {
    private DomainDatagramChecks() {}

    /**
     * A datagram that carries descriptors ({@code SCM_RIGHTS}) arrives as a {@link Socket2DomainDatagramPacket} with
     * new, working descriptors the handler owns; once it closes them, the process holds as many as before.
     */
    static void passedDescriptorsArriveAsWorkingFileDescriptors(String boundPath, BlockingQueue<Object> got) throws Exception {
        try (Socket tx = Socket.open(Domain.UNIX, Type.DGRAM); Socket carried = Socket.open(Domain.UNIX, Type.STREAM)) {
            long before = TestSockets.fdCount();
            long sent = tx.sendmsg(new MsgHdr().withAddr(SockAddr.unix(boundPath))
                .withBuffers(ByteBuffer.wrap(new byte[] {42})).withControl(ScmRights.of(carried, tx)), 0);
            assertEquals(1, sent);
            Object msg = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(msg, "the datagram with descriptors arrives");
            Socket2DomainDatagramPacket p = assertInstanceOf(Socket2DomainDatagramPacket.class, msg);
            try {
                assertEquals(42, p.content().getByte(p.content().readerIndex()));
                List<FileDescriptor> fds = p.fileDescriptors();
                assertEquals(2, fds.size());
                assertNotEquals(carried.rawFd(), fds.get(0).intValue(), "a new descriptor of this process");
                // the same open files: a stream socket, then a datagram socket
                assertEquals(Type.STREAM.value(), SockRef.of(fds.get(0).intValue()).getOption(SockOpt.SO_TYPE));
                assertEquals(Type.DGRAM.value(), SockRef.of(fds.get(1).intValue()).getOption(SockOpt.SO_TYPE));
                assertEquals(before + 2, TestSockets.fdCount());
                for (FileDescriptor d : fds) d.close();
            } finally {
                p.release();
            }
            assertEquals(before, TestSockets.fdCount(), "closing the handed descriptors frees them");
        }
    }

    /** A {@link Socket2DomainDatagramPacket} written on {@code ch} delivers its descriptor to {@code peer}. */
    static void writtenDescriptorsReachThePeer(Channel ch, DomainSocketAddress peerPath, Socket peer) throws Exception {
        try (Socket carried = Socket.open(Domain.UNIX, Type.STREAM)) {
            ch.writeAndFlush(new Socket2DomainDatagramPacket(Unpooled.wrappedBuffer(new byte[] {7}), peerPath,
                new FileDescriptor(carried.rawFd()))).sync();
            try (MsgHdrMut m = new MsgHdrMut().withBuffers(ByteBuffer.allocate(8))
                    .withControl(256)) {
                assertEquals(1, peer.recvmsg(m, 0));
                List<Socket> fds = m.takeFds();
                assertEquals(1, fds.size());
                try (Socket got = fds.get(0)) {
                    assertEquals(Type.STREAM.value(), got.getOption(SockOpt.SO_TYPE));
                    assertTrue(got.rawFd() != carried.rawFd());
                }
            }
        }
    }
}
