package dev.socket2j.bench;

import dev.socket2j.Codecs;
import dev.socket2j.Domain;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.LinuxSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one call into the kernel: {@code getsockopt(SO_RCVBUF)} and a 1-byte non-blocking {@code send}
 * on a connected UDP socket (a UDP send never waits, and a full receiver drops instead of pushing back), through
 * socket2j's core (FFM), Netty's JNI {@code LinuxSocket} (the epoll transport's native library) and NIO.
 * {@code socket2j} passes a native segment; {@code socket2j-heap} a {@code byte[]}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerCallBench {
    @Param({"socket2j", "socket2j-heap", "epoll-jni", "nio"})
    public String impl;

    private DatagramChannel receiver;
    private InetSocketAddress to;
    private Socket s2j;
    private SockOpt<Integer> rcvbuf;
    private Arena arena;
    private MemorySegment one;
    private byte[] oneHeap;
    private LinuxSocket jni;
    private long jniAddr;
    private ByteBuffer jniBuf;
    private DatagramChannel nio;
    private ByteBuffer nioBuf;

    /** SO_RCVBUF from the option table; a custom descriptor while the table does not list it. */
    @SuppressWarnings("unchecked")
    static SockOpt<Integer> rcvbufOpt() {
        for (SockOpt<?> o : SockOpt.all()) {
            if (o.name().equals("SO_RCVBUF") && o.codec().type() == Integer.class) return (SockOpt<Integer>) o;
        }
        return SockOpt.custom("SO_RCVBUF", 1 /* SOL_SOCKET */, 8 /* SO_RCVBUF */, Codecs.INT, true, true);
    }

    @Setup
    public void setup() throws IOException {
        receiver = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        to = (InetSocketAddress) receiver.getLocalAddress();
        switch (impl) {
            case "socket2j", "socket2j-heap" -> {
                s2j = Socket.open(Domain.IPV4, Type.DGRAM);
                s2j.connect(to);
                s2j.setNonblocking(true);
                rcvbuf = rcvbufOpt();
                arena = Arena.ofShared();
                one = arena.allocate(1);
                oneHeap = new byte[1];
            }
            case "epoll-jni" -> {
                Epoll.ensureAvailability();
                jni = LinuxSocket.newSocketDgram(false);
                jni.connect(to);
                jniBuf = ByteBuffer.allocateDirect(1);
                jniAddr = io.netty.util.internal.PlatformDependent.directBufferAddress(jniBuf);
            }
            case "nio" -> {
                nio = DatagramChannel.open();
                nio.connect(to);
                nio.configureBlocking(false);
                nioBuf = ByteBuffer.allocateDirect(1);
            }
            default -> throw new IllegalArgumentException(impl);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        if (s2j != null) s2j.close();
        if (arena != null) arena.close();
        if (jni != null) jni.close();
        if (nio != null) nio.close();
        receiver.close();
    }

    @Benchmark
    public int getsockoptRcvbuf() throws IOException {
        return switch (impl) {
            case "socket2j", "socket2j-heap" -> s2j.getIntOption(rcvbuf);
            case "epoll-jni" -> jni.getReceiveBufferSize();
            default -> nio.getOption(StandardSocketOptions.SO_RCVBUF);
        };
    }

    @Benchmark
    public long send1Byte() throws IOException {
        return switch (impl) {
            case "socket2j" -> s2j.sendWithFlags(one, 0);
            case "socket2j-heap" -> s2j.sendWithFlags(oneHeap, 0, 1, 0);
            case "epoll-jni" -> jni.sendAddress(jniAddr, 0, 1);
            default -> {
                nioBuf.clear();
                yield nio.write(nioBuf);
            }
        };
    }
}
