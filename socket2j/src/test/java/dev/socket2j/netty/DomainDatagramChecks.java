package dev.socket2j.netty;

import dev.socket2j.ControlMessage.ScmRights;
import dev.socket2j.Domain;
import dev.socket2j.MsgHdr;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.TestSockets;
import dev.socket2j.Type;
import io.netty.channel.unix.DomainDatagramPacket;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Checks of the Unix datagram channels that both engines must pass. */
final class DomainDatagramChecks {
    private DomainDatagramChecks() {}

    /**
     * A datagram that carries descriptors ({@code SCM_RIGHTS}) is delivered, and the copies the receive installed in
     * this process are closed: the process holds as many descriptors after as before.
     */
    static void passedDescriptorsAreClosedOnArrival(String boundPath, BlockingQueue<Object> got) throws Exception {
        try (Socket tx = Socket.open(Domain.UNIX, Type.DGRAM); Socket carried = Socket.open(Domain.UNIX, Type.DGRAM)) {
            long before = TestSockets.fdCount();
            long sent = tx.sendmsg(new MsgHdr().withAddr(SockAddr.unix(boundPath))
                .withBuffers(ByteBuffer.wrap(new byte[] {42})).withControl(ScmRights.of(carried, carried)), 0);
            assertEquals(1, sent);
            Object msg = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(msg, "the datagram with descriptors arrives");
            DomainDatagramPacket p = assertInstanceOf(DomainDatagramPacket.class, msg);
            assertEquals(42, p.content().getByte(p.content().readerIndex()));
            p.release();
            assertEquals(before, TestSockets.fdCount(), "the two passed descriptors are not left open");
        }
    }
}
