package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A message socket on epoll (UDP or Unix datagram): {@code recvmsg(2)} per datagram, or {@code recvmmsg(2)} into
 * slices of one buffer when a maximum payload size is configured; {@code sendmsg(2)} per datagram, or
 * {@code sendmmsg(2)} when several are flushed together. Each datagram's control messages travel with it.
 */
public abstract class AbstractSocket2DatagramChannel extends AbstractSocket2Channel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    /** Datagrams per sendmmsg/recvmmsg call. */
    static final int BATCH = 64;

    private MsgSlots slots;
    private final Runnable flushTask = () -> ((AbstractSocket2Unsafe) unsafe()).flush0();
    volatile boolean connected;
    /** An error the kernel reported while nobody was reading (SO_ERROR), for the next datagram written. */
    private IOException pendingWriteError;

    /** What the config needs of this channel (it keeps {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}). */
    final DatagramHost host;
    private final DatagramIo io;

    AbstractSocket2DatagramChannel(Socket socket, boolean ipv6) {
        super(null, socket, ipv6, false, 0);
        host = new DatagramHost(this, socket, ipv6, options);
        io = new DatagramIo(this::toKernel, this::fromKernel);
    }

    @Override public ChannelMetadata metadata() { return METADATA; }

    public boolean isConnected() { return connected; }

    /** Bound or connected and open (Netty's datagram channels are active once bound), or registered if so configured. */
    @Override public boolean isActive() { return isOpen() && (active || (host.activeOnOpen && isRegistered())); }

    /** The channel's message slots, made on first I/O; a closed channel never makes them again. */
    final MsgSlots slots() throws ClosedChannelException {
        MsgSlots s = slots;
        if (s == null) {
            if (!isOpen()) throw new ClosedChannelException();
            slots = s = new MsgSlots(BATCH);
        }
        return s;
    }

    /** The slots if made and not yet freed (tests). */
    final MsgSlots slotsIfMade() { return slots; }

    /**
     * Frees the slots' native memory. Only once the loop can run no more I/O of this channel: at deregistration
     * after close (a handler may close the channel in the middle of a read batch that still reads its slots), or
     * at close if no loop holds the channel.
     */
    private void freeSlots() {
        MsgSlots s = slots;
        slots = null;
        if (s != null) s.free();
    }

    @Override
    protected void doDeregister() {
        super.doDeregister();
        if (!isOpen()) freeSlots();
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            if (!isRegistered()) freeSlots();
        }
    }

    // ---------------------------------------------------------------- hooks of the address family

    abstract SockAddr toKernel(SocketAddress address);

    abstract SocketAddress fromKernel(SockAddr address);

    /** The message a datagram becomes in the pipeline. */
    abstract Object newPacket(ByteBuf data, SocketAddress sender, MsgSlots slots, int i);

    /** The largest payload per recvmmsg slot, 0 for one recvmsg per datagram. */
    int maxDatagramPayload() { return 0; }

    /** Control messages to send with {@code msg} (as given by the user). */
    List<ControlMessage> controlOf(Object msg, SocketAddress recipient) { return List.of(); }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(toKernel(localAddress));
        local = fromKernel(socket.localAddr());
        active = true;
    }

    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) doBind(localAddress);
        socket.connect(toKernel(remoteAddress));
        remote = remoteAddress;
        connected = true;
        active = true;
        resetCachedAddresses();
        return true;
    }

    @Override
    void resetCachedAddresses() {
        try { local = fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
        try { remote = fromKernel(socket.peerAddr()); } catch (IOException e) { /* keep the requested one */ }
    }

    /** connect(2) to AF_UNSPEC dissolves the association; the socket stays bound, so the channel stays active. */
    @Override
    protected void doDisconnect() throws Exception {
        DatagramIo.disconnect(socket);
        connected = false;
        remote = null;
        resetCachedAddresses();
        remote = null;
    }

    // ---------------------------------------------------------------- write

    private static ByteBuf contentOf(Object msg) { return DatagramIo.contentOf(msg); }

    private SocketAddress recipientOf(Object msg) { return DatagramIo.recipientOf(msg, connected, remote); }

    private void takePendingError() {
        try {
            int err = socket.getOption(dev.socket2j.SockOpt.SO_ERROR);
            if (err != 0) pendingWriteError = OsError.of("sendmsg(2)", err);
        } catch (IOException e) {
            pendingWriteError = e;
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        IOException pending = pendingWriteError;
        if (pending != null && in.current() != null) {
            pendingWriteError = null;
            in.remove(pending);
        }
        int spin = config().getWriteSpinCount();
        while (spin-- > 0) {
            Object msg = in.current();
            if (msg == null) {
                clearFlag(C.EPOLLOUT);
                return;
            }
            int done;
            try {
                done = in.size() > 1 ? writeBatch(in) : (writeOne(msg) ? 1 : 0);
            } catch (IOException | RuntimeException e) {
                // one datagram refused (EMSGSIZE, port unreachable, not connected, ...): fail it alone and go on
                in.remove(e);
                continue;
            }
            if (done == 0) {
                setFlag(C.EPOLLOUT);  // the send buffer is full
                return;
            }
            for (int i = 0; i < done; i++) in.remove();
        }
        if (in.isEmpty()) {
            clearFlag(C.EPOLLOUT);
        } else {
            clearFlag(C.EPOLLOUT);
            eventLoop().execute(flushTask);  // spin count used up: let other channels run
        }
    }

    /** sendmsg(2) of one datagram: true if sent, false for EAGAIN. */
    private boolean writeOne(Object msg) throws IOException {
        LoopScratch s = scratch();
        MsgSlots m = slots();
        ByteBuf data = contentOf(msg);
        SocketAddress to = recipientOf(msg);
        IovBatch batch = s.batch.reset(Long.MAX_VALUE);
        batch.add(data, data.readerIndex(), data.readableBytes());
        if (batch.full) {
            throw new IOException("datagram in more than IOV_MAX pieces or larger than " + LoopScratch.COPY_SIZE + " bytes of heap memory");
        }
        m.setIov(0, s.iov, batch.count);
        m.setNameBytes(0, kernelName(to));
        m.setControl(0, controlOf(msg, to));
        return Errors.ioResult(Call.SENDMSG, Sys.sendmsgNb(s.capture, fd, m.hdrs, C.MSG_NOSIGNAL)) != Errors.AGAIN;
    }

    /** sendmmsg(2) of the flushed datagrams that fit one slot each: how many were sent (0 for EAGAIN). */
    private int writeBatch(ChannelOutboundBuffer in) throws Exception {
        LoopScratch s = scratch();
        MsgSlots m = slots();
        BatchFiller f = batchFiller;
        f.start(s, m);
        try {
            in.forEachFlushedMessage(f);
        } finally {
            f.end();
        }
        int count = f.count;
        if (count <= 1) return writeOne(in.current()) ? 1 : 0;
        int n = Errors.ioResult(Call.SENDMMSG, Sys.sendmmsgNb(s.capture, fd, m.hdrs, count, C.MSG_NOSIGNAL));
        return n == Errors.AGAIN ? 0 : n;
    }

    private final BatchFiller batchFiller = new BatchFiller();

    /**
     * Fills the slots with the flushed datagrams for one sendmmsg(2), as {@link IovBatch} gathers a stream's buffers:
     * one per channel, reused by every flush on the loop, so a batch allocates nothing. A datagram that cannot take a
     * slot of its own (a gathering buffer, heap bytes past the copy area) ends the batch and goes alone next turn.
     */
    private final class BatchFiller implements ChannelOutboundBuffer.MessageProcessor {
        private LoopScratch s;
        private MsgSlots m;
        /** Datagrams placed, and heap bytes copied into the loop's copy area, in this batch. */
        int count, copied;

        void start(LoopScratch s, MsgSlots m) {
            this.s = s;
            this.m = m;
            count = 0;
            copied = 0;
        }

        void end() {
            s = null;
            m = null;
        }

        @Override
        public boolean processMessage(Object msg) {
            int i = count;
            if (i == BATCH) return false;
            ByteBuf data = contentOf(msg);
            int len = data.readableBytes();
            long address = IovBatch.address(data, data.readerIndex(), len);
            if (address == 0) {
                if (!data.hasArray()) return false;  // gathering datagrams go alone
                if (copied + len > LoopScratch.COPY_SIZE) return false;
                MemorySegment.copy(data.array(), data.arrayOffset() + data.readerIndex(), s.copy, JAVA_BYTE, copied, len);
                address = s.copy.address() + copied;
                copied += len;
            }
            try {
                SocketAddress to = recipientOf(msg);
                m.setNameBytes(i, kernelName(to));
                m.setControl(i, controlOf(msg, to));
            } catch (RuntimeException e) {
                if (i == 0) throw e;
                return false;  // the batch ends before it; it fails on its own turn
            }
            m.setData(i, address, len);
            count = i + 1;
            return true;
        }
    }

    private byte[] kernelName(SocketAddress to) { return io.kernelName(to); }

    // ---------------------------------------------------------------- read

    /** recvmsg(2) into {@code buf}: the datagram's length, or -1 for EAGAIN. */
    private int readOne(ByteBuf buf, RecvByteBufAllocator.Handle h) throws IOException {
        LoopScratch s = scratch();
        MsgSlots m = slots();
        int writable = buf.writableBytes();
        long address = IovBatch.address(buf, buf.writerIndex(), writable);
        boolean direct = address != 0;
        int cap;
        if (direct) {
            cap = writable;
        } else {
            address = s.copy.address();
            cap = Math.min(writable, LoopScratch.COPY_SIZE);
        }
        h.attemptedBytesRead(cap);
        m.setData(0, address, cap);
        m.prepareRecv(0);
        long n = Errors.ioResult(Call.RECVMSG, Sys.recvmsgNb(s.capture, fd, m.hdrs, C.MSG_CMSG_CLOEXEC));
        Reference.reachabilityFence(buf);
        if (n == Errors.AGAIN) return -1;
        if (!direct) copyIn(s, buf, buf.writerIndex(), (int) n);
        buf.writerIndex(buf.writerIndex() + (int) n);
        return (int) n;
    }

    /** Copies {@code n} received bytes from the loop's copy area into a non-direct {@code buf} at {@code at}. */
    private static void copyIn(LoopScratch s, ByteBuf buf, int at, int n) {
        if (buf.hasArray()) {
            MemorySegment.copy(s.copy, JAVA_BYTE, 0, buf.array(), buf.arrayOffset() + at, n);
        } else {
            buf.setBytes(at, s.copy.asSlice(0, n).asByteBuffer());
        }
    }

    /**
     * recvmmsg(2) into {@code buf} cut in slots of {@code payload} bytes: the datagrams received (0 for EAGAIN),
     * each fired as a retained slice; {@code buf} itself is released.
     */
    private int readBatch(ByteBuf buf, int payload, int slotsWanted, RecvByteBufAllocator.Handle h,
                          ChannelPipeline pipeline) throws IOException {
        LoopScratch s = scratch();
        MsgSlots m = slots();
        long address = IovBatch.address(buf, buf.writerIndex(), buf.writableBytes());
        boolean direct = address != 0;
        int k = Math.max(1, Math.min(slotsWanted, direct ? BATCH : Math.min(BATCH, LoopScratch.COPY_SIZE / payload)));
        long base = direct ? address : s.copy.address();
        for (int i = 0; i < k; i++) {
            m.setData(i, base + (long) i * payload, payload);
            m.prepareRecv(i);
        }
        h.attemptedBytesRead(k * payload);
        int n = Errors.ioResult(Call.RECVMMSG, Sys.recvmmsgNb(s.capture, fd, m.hdrs, k, C.MSG_CMSG_CLOEXEC));
        Reference.reachabilityFence(buf);
        if (n == Errors.AGAIN) return 0;
        int start = buf.writerIndex();
        if (!direct) copyIn(s, buf, start, n * payload);
        buf.writerIndex(start + n * payload);
        int total = 0;
        for (int i = 0; i < n; i++) {
            int len = Math.min(m.msgLen(i), payload);
            total += len;
            ByteBuf slice = buf.retainedSlice(start + i * payload, len);
            ((AbstractSocket2Unsafe) unsafe()).readPending = false;
            pipeline.fireChannelRead(newPacket(slice, senderOf(m, i), m, i));
        }
        h.lastBytesRead(total);
        h.incMessagesRead(n);
        return n;
    }

    private SocketAddress senderOf(MsgSlots m, int i) { return io.senderOf(m, i); }

    class DatagramUnsafe extends AbstractSocket2Unsafe {
        @Override
        void epollInReady() {
            ChannelConfig config = config();
            if (!isOpen()) {
                clearFlag(C.EPOLLIN);
                return;
            }
            if (shouldStopReading(config)) {
                // EPOLLERR with nobody reading: take the error (an ICMP report) now, so that epoll stops
                // signalling it, and give it to the next write, which is what it concerns
                takePendingError();
                clearFlag(C.EPOLLIN);
                return;
            }
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            h.reset(config);
            int payload = maxDatagramPayload();
            Throwable failure = null;
            ByteBuf buf = null;
            try {
                do {
                    buf = h.allocate(allocator);
                    int slotsFit = payload > 0 ? buf.writableBytes() / payload : 0;
                    if (slotsFit > 1) {
                        int n = readBatch(buf, payload, slotsFit, h, pipeline);
                        buf.release();
                        buf = null;
                        if (n == 0) {
                            h.lastBytesRead(-1);
                            break;
                        }
                    } else {
                        int n = readOne(buf, h);
                        if (n < 0) {
                            buf.release();
                            buf = null;
                            h.lastBytesRead(-1);
                            break;
                        }
                        h.lastBytesRead(n);
                        h.incMessagesRead(1);
                        readPending = false;
                        MsgSlots m = slots();
                        Object packet = newPacket(buf, senderOf(m, 0), m, 0);
                        buf = null;
                        pipeline.fireChannelRead(packet);
                    }
                    if (!isOpen()) break;
                } while (continueReading(h));
            } catch (Throwable t) {
                if (buf != null) buf.release();
                failure = t;
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
                if (DatagramIo.closeOnReadError(isActive(), failure)) close(voidPromise());
            }
            if (shouldStopReading(config)) clearFlag(C.EPOLLIN);
        }
    }

    /** Datagrams of any size (even empty) count: read on until EAGAIN or the message budget is spent. */
    private static boolean continueReading(RecvByteBufAllocator.Handle h) {
        if (h instanceof RecvByteBufAllocator.ExtendedHandle e) return e.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER);
        return h.continueReading();
    }

    @Override
    protected AbstractSocket2Unsafe newUnsafe() { return new DatagramUnsafe(); }
}
