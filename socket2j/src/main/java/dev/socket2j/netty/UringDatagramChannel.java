package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A message socket on io_uring (UDP or Unix datagram).
 *
 * <p>Reads: up to {@value #RECV_SLOTS} single-shot {@code IORING_OP_RECVMSG} in flight (as many as the
 * {@code RecvByteBufAllocator}'s messages per read, one while auto-read is off and a {@code read()} is pending), each
 * into its own direct buffer from the channel's allocator and its own slot of the channel's {@link MsgSlots} (header,
 * iovec, sender address, control buffer), so every datagram arrives with its sender and control messages. A slot is
 * armed again as soon as its datagram is fired. {@code channelReadComplete} fires once per loop turn that delivered
 * datagrams. The provided buffer ring is not used: one datagram per completion needs the sender and control data
 * beside it, which plain RECVMSG gives without the multishot header layout.
 *
 * <p>Writes: the datagrams of one flush go out as up to {@value #SEND_SLOTS} {@code IORING_OP_SENDMSG}, one per
 * datagram and slot, submitted together; each promise completes with its own result once the batch is done (a datagram
 * the kernel refuses fails alone: {@code EMSGSIZE}, {@code ECONNREFUSED} as {@link java.net.PortUnreachableException}).
 * Heap payloads are copied to direct buffers when written (the kernel reads the bytes after the call returns), and a
 * payload in flight is retained until its completion, so a close never frees memory the kernel may still read.
 *
 * <p>The slots are allocated on first I/O and freed when the channel's last operation has completed after close;
 * nothing else is allocated per datagram beyond the buffer and the packet Netty needs.
 */
public abstract class UringDatagramChannel extends UringChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    static final int RECV_SLOTS = 8, SEND_SLOTS = 32;
    /** Op tags: one per slot, so a completion names its slot, and a cancel by tag (before 5.19) reaches each op. */
    private static final int TAG_RECV0 = 32, TAG_SEND0 = TAG_RECV0 + RECV_SLOTS;
    private static final int[] ALL_TAGS = allTags();

    private static int[] allTags() {
        int[] t = new int[RECV_SLOTS + SEND_SLOTS];
        for (int i = 0; i < t.length; i++) t[i] = TAG_RECV0 + i;
        return t;
    }

    /** The configs' view of this channel (it keeps {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}). */
    final DatagramHost host;
    final DatagramIo io;
    volatile boolean connected;

    // event loop only
    private MsgSlots slots;
    private final ByteBuf[] recvBufs = new ByteBuf[RECV_SLOTS];
    private int recvsArmed;
    /** Datagrams received while nobody wanted them (auto-read turned off with receives in flight). */
    private ArrayDeque<Object> unread;
    private boolean readCompletePending;
    private final Runnable readCompleteTask = this::fireReadComplete;
    private final ByteBuf[] sendBufs = new ByteBuf[SEND_SLOTS];
    private final int[] sendResults = new int[SEND_SLOTS];
    private int sendsInBatch, sendsInFlight;
    private final Filler filler = new Filler();

    UringDatagramChannel(Socket socket, boolean ipv6) {
        super(null, socket, ipv6, false);
        host = new DatagramHost(this, socket, ipv6, options);
        io = new DatagramIo(this::toKernel, this::fromKernel);
    }

    @Override public ChannelMetadata metadata() { return METADATA; }

    public boolean isConnected() { return connected; }

    /** Bound or connected and open (Netty's datagram channels are active once bound), or registered if so configured. */
    @Override public boolean isActive() { return isOpen() && (active || (host.activeOnOpen && isRegistered())); }

    // ---------------------------------------------------------------- hooks of the address family

    abstract SockAddr toKernel(SocketAddress address);

    abstract SocketAddress fromKernel(SockAddr address);

    /** The message a datagram received in slot {@code i} becomes in the pipeline. */
    abstract Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i);

    /** Control messages to send with {@code msg}. */
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) { return List.of(); }

    // ---------------------------------------------------------------- addresses

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(toKernel(localAddress));
        local = fromKernel(socket.localAddr());
        active = true;
    }

    @Override
    void resetCachedAddresses() {
        try { local = fromKernel(socket.localAddr()); } catch (java.io.IOException e) { local = null; }
        try { remote = fromKernel(socket.peerAddr()); } catch (java.io.IOException e) { /* keep the requested one */ }
    }

    /** The socket stays bound, so the channel stays active. */
    @Override
    protected void doDisconnect() throws Exception {
        DatagramIo.disconnect(socket);
        connected = false;
        remote = null;
        resetCachedAddresses();
        remote = null;
    }

    /** connect(2) of a datagram socket only sets the default peer: it never waits, so no IORING_OP_CONNECT. */
    private void connectNow(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (connected) throw new AlreadyConnectedException();
        if (localAddress != null) doBind(localAddress);
        socket.connect(toKernel(remoteAddress));
        remote = remoteAddress;
        connected = true;
        active = true;
        resetCachedAddresses();
    }

    // ---------------------------------------------------------------- slots and close

    private MsgSlots slots() throws ClosedChannelException {
        MsgSlots s = slots;
        if (s == null) {
            if (!isOpen()) throw new ClosedChannelException();
            slots = s = new MsgSlots(RECV_SLOTS + SEND_SLOTS);
        }
        return s;
    }

    /** The slots if made and not yet freed (tests). */
    final MsgSlots slotsIfMade() { return slots; }

    @Override
    void cancelInFlight(Socket2UringIoHandler.Registration r) {
        r.cancelFd(fd, TAG_CANCEL, ALL_TAGS);
    }

    /** Every operation has completed: the buffers and the slots go. */
    @Override
    void released() {
        for (int i = 0; i < RECV_SLOTS; i++) {
            ByteBuf b = recvBufs[i];
            recvBufs[i] = null;
            if (b != null) b.release();
        }
        for (int i = 0; i < SEND_SLOTS; i++) {
            ByteBuf b = sendBufs[i];
            sendBufs[i] = null;
            if (b != null) b.release();
        }
        ArrayDeque<Object> q = unread;
        if (q != null) for (Object m; (m = q.poll()) != null; ) ReferenceCountUtil.release(m);
        MsgSlots s = slots;
        slots = null;
        if (s != null) s.free();
    }

    // ---------------------------------------------------------------- read

    @Override
    protected void doBeginRead() {
        DatagramUnsafe u = (DatagramUnsafe) unsafe();
        u.readPending = true;
        u.deliverUnread();
        u.armRecvs();
    }

    /** Auto-read was turned off: forget a pending read (receives in flight stay, their datagrams are kept). */
    @Override
    final void clearReadPending() {
        if (!isRegistered()) {
            ((DatagramUnsafe) unsafe()).readPending = false;
            return;
        }
        if (eventLoop().inEventLoop()) {
            ((DatagramUnsafe) unsafe()).readPending = false;
        } else {
            eventLoop().execute(() -> ((DatagramUnsafe) unsafe()).readPending = false);
        }
    }

    private void fireReadComplete() {
        readCompletePending = false;
        unsafe().recvBufAllocHandle().readComplete();
        pipeline().fireChannelReadComplete();
    }

    // ---------------------------------------------------------------- write

    /**
     * The message with a payload the kernel can read after the call returns (a native address): heap and
     * multi-component payloads are copied into a direct buffer.
     */
    final Object directPayload(Object msg) {
        ByteBuf data = DatagramIo.contentOf(msg);
        int len = data.readableBytes();
        if (IovBatch.address(data, data.readerIndex(), len) != 0 || len == 0) return msg;
        ByteBuf direct = alloc().directBuffer(len);
        direct.writeBytes(data, data.readerIndex(), len);
        Object copy;
        if (msg instanceof ByteBuf) {
            copy = direct;
        } else if (msg instanceof DatagramPacket p) {
            copy = p.replace(direct);
        } else if (msg instanceof DomainDatagramPacket p) {
            copy = p.replace(direct);
        } else if (msg instanceof Socket2DomainDatagramPacket p) {
            copy = p.replace(direct);
        } else {
            AddressedEnvelope<?, ?> e = (AddressedEnvelope<?, ?>) msg;
            copy = new DefaultAddressedEnvelope<>(direct, e.recipient(), e.sender());
        }
        ReferenceCountUtil.release(msg);
        return copy;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (sendsInBatch > 0) return;   // the batch's completion writes on
        while (!in.isEmpty()) {
            Filler f = filler;
            f.start(slots());
            try {
                in.forEachFlushedMessage(f);
            } finally {
                f.m = null;
            }
            if (f.count > 0) {
                sendsInBatch = sendsInFlight = f.count;
                return;
            }
            if (f.failure != null) {
                in.remove(f.failure);   // the first datagram alone cannot go: fail it and go on
            } else {
                return;
            }
        }
    }

    /** Puts each flushed datagram into a send slot and submits its SENDMSG; allocates nothing. */
    private final class Filler implements ChannelOutboundBuffer.MessageProcessor {
        MsgSlots m;
        int count;
        RuntimeException failure;

        void start(MsgSlots m) {
            this.m = m;
            count = 0;
            failure = null;
        }

        @Override
        public boolean processMessage(Object msg) {
            int i = count;
            if (i == SEND_SLOTS) return false;
            ByteBuf data = DatagramIo.contentOf(msg);
            int len = data.readableBytes();
            long address = IovBatch.address(data, data.readerIndex(), len);
            if (address == 0 && len > 0) {
                if (i == 0) failure = new IllegalStateException("datagram payload without a native address");
                return false;
            }
            int slot = RECV_SLOTS + i;
            try {
                SocketAddress to = DatagramIo.recipientOf(msg, connected, remote);
                m.setNameBytes(slot, io.kernelName(to));
                m.setControl(slot, controlOf(msg, to));
            } catch (RuntimeException e) {
                if (i == 0) failure = e;
                return false;  // the batch ends before it; it fails on its own turn
            }
            m.setData(slot, address, len);
            sendBufs[i] = data.retain();
            long s = registration.sqe(Uring.OP_SENDMSG, fd, m.hdrs.address() + MsgSlots.HDR * slot, 1, 0, TAG_SEND0 + i);
            registration.ring().sqeOpFlags(s, C.MSG_NOSIGNAL);
            count = i + 1;
            return true;
        }
    }

    // ---------------------------------------------------------------- completions

    final class DatagramUnsafe extends UringUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) return;
            try {
                boolean wasActive = isActive();
                connectNow(remoteAddress, localAddress);
                promise.trySuccess();
                if (!wasActive && isActive()) pipeline().fireChannelActive();
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        /** How many receives should be in flight now. */
        private int recvsWanted() {
            ChannelConfig config = config();
            if (!config.isAutoRead()) return readPending ? 1 : 0;
            RecvByteBufAllocator a = config.getRecvByteBufAllocator();
            int n = a instanceof MaxMessagesRecvByteBufAllocator m ? m.maxMessagesPerRead() : 1;
            return Math.max(1, Math.min(RECV_SLOTS, n));
        }

        void armRecvs() {
            if (!isOpen() || registration == null || registration.freed || !registration.isValid()) return;
            int want = recvsWanted();
            if (recvsArmed >= want) return;
            MsgSlots m;
            try {
                m = slots();
            } catch (ClosedChannelException e) {
                return;
            }
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            for (int i = 0; i < RECV_SLOTS && recvsArmed < want; i++) {
                if (recvBufs[i] != null) continue;
                ByteBuf buf = config().getAllocator().directBuffer(Math.max(1, h.guess()));
                int room = buf.writableBytes();
                long address = IovBatch.address(buf, buf.writerIndex(), room);
                if (address == 0) {   // an allocator whose direct buffers have no single address
                    buf.release();
                    pipeline().fireExceptionCaught(new IllegalStateException("the allocator's direct buffer has no address"));
                    return;
                }
                m.setData(i, address, room);
                m.prepareRecv(i);
                recvBufs[i] = buf;
                long s = registration.sqe(Uring.OP_RECVMSG, fd, m.hdrs.address() + MsgSlots.HDR * i, 1, 0, TAG_RECV0 + i);
                registration.ring().sqeOpFlags(s, C.MSG_CMSG_CLOEXEC);   // passed descriptors (Unix) are close-on-exec
                recvsArmed++;
            }
        }

        @Override
        void completeOp(int op, int res, int flags) {
            if (op >= TAG_SEND0 && op < TAG_SEND0 + SEND_SLOTS) {
                sendComplete(op - TAG_SEND0, res);
            } else if (op >= TAG_RECV0 && op < TAG_RECV0 + RECV_SLOTS) {
                recvComplete(op - TAG_RECV0, res);
            }
        }

        private void recvComplete(int i, int res) {
            ByteBuf buf = recvBufs[i];
            recvBufs[i] = null;
            recvsArmed--;
            if (!isOpen() || buf == null) {
                if (buf != null) buf.release();
                return;
            }
            if (res < 0) {
                buf.release();
                int errno = -res;
                if (errno != Errno.ECANCELED && errno != Errno.EAGAIN && errno != Errno.EINTR) {
                    Throwable cause = OsError.of("recvmsg(2)", errno);
                    pipeline().fireExceptionCaught(cause);
                    if (DatagramIo.closeOnReadError(isActive(), cause)) {
                        close(voidPromise());
                        return;
                    }
                }
                armRecvs();
                return;
            }
            buf.writerIndex(buf.writerIndex() + res);
            Object packet;
            try {
                packet = newPacket(buf, io.senderOf(slots, i), slots, i);
            } catch (RuntimeException e) {
                buf.release();
                pipeline().fireExceptionCaught(e);
                armRecvs();
                return;
            }
            if (shouldStopReading()) {
                if (unread == null) unread = new ArrayDeque<>(RECV_SLOTS);
                unread.add(packet);
                return;
            }
            fire(packet, res);
            armRecvs();
        }

        private void fire(Object packet, int n) {
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            if (!readCompletePending) {
                h.reset(config());
                readCompletePending = true;
                eventLoop().execute(readCompleteTask);
            }
            h.attemptedBytesRead(n);
            h.lastBytesRead(n);
            h.incMessagesRead(1);
            readPending = false;
            pipeline().fireChannelRead(packet);
        }

        /** Datagrams kept while nobody read, for the read() that now asks. */
        void deliverUnread() {
            ArrayDeque<Object> q = unread;
            while (q != null && !q.isEmpty() && isOpen() && !shouldStopReading()) {
                Object p = q.poll();
                fire(p, DatagramIo.contentOf(p).readableBytes());
            }
        }

        private void sendComplete(int i, int res) {
            ByteBuf b = sendBufs[i];
            sendBufs[i] = null;
            if (b != null) b.release();
            sendResults[i] = res;
            if (--sendsInFlight > 0) return;
            int n = sendsInBatch;
            sendsInBatch = 0;
            if (!isOpen()) return;   // close failed the flushed messages
            ChannelOutboundBuffer in = outboundBuffer();
            if (in == null) return;
            for (int j = 0; j < n && isOpen(); j++) {   // a listener may close the channel
                int r = sendResults[j];
                if (r >= 0) {
                    in.remove();
                } else if (r == -Errno.ECANCELED) {
                    break;   // deregistered: what is left goes with the next flush
                } else {
                    in.remove(OsError.of("sendmsg(2)", -r));
                }
            }
            if (!in.isEmpty()) flush0();
        }
    }

    @Override
    protected AbstractUnsafe newUnsafe() { return new DatagramUnsafe(); }
}
