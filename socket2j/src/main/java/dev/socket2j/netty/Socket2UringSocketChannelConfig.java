package dev.socket2j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import java.util.Map;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2UringSocketChannel}: the same options as {@link Socket2SocketChannelConfig}
 * (Netty's standard ones, the epoll transport's names, every option of the table), read from and written to the
 * kernel directly; a refusal throws {@link io.netty.channel.ChannelException} with the errno.
 */
public final class Socket2UringSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH = new ConfigSupport.Dispatch(
        ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.TCP_FASTOPEN_CONNECT, Socket2ChannelOption.URING_SEND_ZC_THRESHOLD);
    private final Socket2UringSocketChannel ch;
    private volatile boolean allowHalfClosure;
    private volatile boolean tcpFastOpenConnect;
    /** {@link Socket2ChannelOption#URING_SEND_ZC_THRESHOLD}; 0: off. */
    volatile int sendZcThreshold;

    Socket2UringSocketChannelConfig(Socket2UringSocketChannel ch) {
        super(ch);
        this.ch = ch;
        try {
            setTcpNoDelay(true);   // Nagle off by default, as in Netty's NIO, epoll and io_uring channels
        } catch (RuntimeException e) {
            ch.options.forget(ChannelOption.TCP_NODELAY);  // e.g. an adopted non-TCP stream: keep the kernel's default
        }
    }

    /** Reads ({@code v == READ}) or writes an option kept in a field ({@link ConfigSupport.Dispatch}). */
    private Object localOption(ChannelOption<?> o, Object v) {
        if (o == ChannelOption.ALLOW_HALF_CLOSURE) return v == READ ? allowHalfClosure : (allowHalfClosure = (Boolean) v);
        if (o == ChannelOption.TCP_FASTOPEN_CONNECT) return v == READ ? tcpFastOpenConnect : (tcpFastOpenConnect = (Boolean) v);
        if (o == Socket2ChannelOption.URING_SEND_ZC_THRESHOLD) return v == READ ? sendZcThreshold : setSendZcThreshold((Integer) v);
        return ConfigSupport.NOT_LOCAL;
    }

    private int setSendZcThreshold(int n) {
        if (n < 0) throw new IllegalArgumentException("URING_SEND_ZC_THRESHOLD must be >= 0 (0: off): " + n);
        return sendZcThreshold = n;
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(ch.options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(ch.options, o, super.getOption(o), localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(ch.options, o, v, localOption(o, v));
    }

    /**
     * Whether data written before {@code connect} rides the SYN: {@code TCP_FASTOPEN_CONNECT} is set on the socket
     * before {@code IORING_OP_CONNECT} when such data is queued (see {@link Socket2UringSocketChannel}).
     */
    public boolean isTcpFastOpenConnect() { return tcpFastOpenConnect; }

    @Override public boolean isTcpNoDelay() { return getOption(ChannelOption.TCP_NODELAY); }
    @Override public Socket2UringSocketChannelConfig setTcpNoDelay(boolean on) { setOption(ChannelOption.TCP_NODELAY, on); return this; }
    @Override public int getSoLinger() { return getOption(ChannelOption.SO_LINGER); }
    @Override public Socket2UringSocketChannelConfig setSoLinger(int s) { setOption(ChannelOption.SO_LINGER, s); return this; }
    @Override public int getSendBufferSize() { return getOption(ChannelOption.SO_SNDBUF); }
    @Override public Socket2UringSocketChannelConfig setSendBufferSize(int n) { setOption(ChannelOption.SO_SNDBUF, n); return this; }
    @Override public int getReceiveBufferSize() { return getOption(ChannelOption.SO_RCVBUF); }
    @Override public Socket2UringSocketChannelConfig setReceiveBufferSize(int n) { setOption(ChannelOption.SO_RCVBUF, n); return this; }
    @Override public boolean isKeepAlive() { return getOption(ChannelOption.SO_KEEPALIVE); }
    @Override public Socket2UringSocketChannelConfig setKeepAlive(boolean on) { setOption(ChannelOption.SO_KEEPALIVE, on); return this; }
    @Override public int getTrafficClass() { return getOption(ChannelOption.IP_TOS); }
    @Override public Socket2UringSocketChannelConfig setTrafficClass(int tc) { setOption(ChannelOption.IP_TOS, tc); return this; }
    @Override public boolean isReuseAddress() { return getOption(ChannelOption.SO_REUSEADDR); }
    @Override public Socket2UringSocketChannelConfig setReuseAddress(boolean on) { setOption(ChannelOption.SO_REUSEADDR, on); return this; }
    @Override public Socket2UringSocketChannelConfig setPerformancePreferences(int c, int l, int b) { return this; }
    @Override public boolean isAllowHalfClosure() { return allowHalfClosure; }
    @Override public Socket2UringSocketChannelConfig setAllowHalfClosure(boolean on) { allowHalfClosure = on; return this; }

    @Override public Socket2UringSocketChannelConfig setConnectTimeoutMillis(int ms) { super.setConnectTimeoutMillis(ms); return this; }
    @Override @Deprecated public Socket2UringSocketChannelConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }
    @Override public Socket2UringSocketChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2UringSocketChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2UringSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2UringSocketChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2UringSocketChannelConfig setAutoClose(boolean on) { super.setAutoClose(on); return this; }
    @Override public Socket2UringSocketChannelConfig setWriteBufferHighWaterMark(int n) {
        super.setWriteBufferHighWaterMark(n);
        return this;
    }
    @Override public Socket2UringSocketChannelConfig setWriteBufferLowWaterMark(int n) { super.setWriteBufferLowWaterMark(n); return this; }
    @Override public Socket2UringSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2UringSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ch.clearReadPending(); }
}
