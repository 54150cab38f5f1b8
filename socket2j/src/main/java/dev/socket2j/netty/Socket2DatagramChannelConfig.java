package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Map;

import static dev.socket2j.netty.ConfigSupport.READ;

/**
 * The configuration of a {@link Socket2DatagramChannel} and of a {@link Socket2UringDatagramChannel}: Netty's standard datagram options, the epoll transport's
 * names ({@code MAX_DATAGRAM_PAYLOAD_SIZE}, {@code UDP_GRO}, {@code IP_RECVORIGDSTADDR}, {@code IP_FREEBIND},
 * {@code IP_TRANSPARENT}, {@code SO_REUSEPORT}), and every UDP socket option of the table as a
 * {@link Socket2ChannelOption}. IP options follow the socket's family ({@code IP_TOS} is {@code IPV6_TCLASS} on an
 * IPv6 socket). Reads use a {@link FixedRecvByteBufAllocator} of 2048 bytes by default, as NIO and epoll do.
 */
public final class Socket2DatagramChannelConfig extends DefaultChannelConfig implements DatagramChannelConfig {
    private static final ConfigSupport.Dispatch DISPATCH = new ConfigSupport.Dispatch(
        ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE,
        ChannelOption.IP_MULTICAST_IF, ChannelOption.IP_MULTICAST_ADDR);
    private final DatagramHost ch;
    private volatile int maxDatagramPayloadSize;

    /** The config of an epoll ({@link Socket2DatagramChannel}) or io_uring ({@link Socket2UringDatagramChannel}) channel. */
    Socket2DatagramChannelConfig(DatagramHost ch) {
        super(ch.channel, new FixedRecvByteBufAllocator(2048));
        this.ch = ch;
    }

    /** Reads ({@code v == READ}) or writes an option kept in a field or set by hand ({@link ConfigSupport.Dispatch}). */
    private Object localOption(ChannelOption<?> o, Object v) {
        if (o == Socket2ChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
            return v == READ ? maxDatagramPayloadSize : setMaxDatagramPayloadSize((Integer) v);
        }
        if (o == ChannelOption.IP_MULTICAST_IF) return v == READ ? getNetworkInterface() : setNetworkInterface((NetworkInterface) v);
        if (o == ChannelOption.IP_MULTICAST_ADDR) return v == READ ? getInterface() : setInterface((InetAddress) v);
        return ch.localOption(o, v);
    }

    @Override public Map<ChannelOption<?>, Object> getOptions() { return DISPATCH.list(ch.options, this, super.getOptions()); }
    @Override public <T> T getOption(ChannelOption<T> o) { return DISPATCH.get(ch.options, o, super.getOption(o), localOption(o, READ)); }
    @Override public <T> boolean setOption(ChannelOption<T> o, T v) {
        return super.setOption(o, v) || DISPATCH.set(ch.options, o, v, localOption(o, v));
    }

    /** See {@link Socket2ChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}. */
    public int getMaxDatagramPayloadSize() { return maxDatagramPayloadSize; }

    /**
     * Sets the largest datagram expected; with a receive buffer of at least twice this size, reads go through
     * {@code recvmmsg(2)}, one slot of this size per datagram (a longer datagram is cut, as by any short buffer).
     *
     * @throws IllegalArgumentException if negative
     */
    public Socket2DatagramChannelConfig setMaxDatagramPayloadSize(int size) {
        if (size < 0) throw new IllegalArgumentException("MAX_DATAGRAM_PAYLOAD_SIZE must be >= 0: " + size);
        maxDatagramPayloadSize = size;
        return this;
    }

    /** {@code UDP_GRO}; see {@link Socket2ChannelOption#UDP_GRO}. */
    public boolean isUdpGro() { return getOption(Socket2ChannelOption.UDP_GRO); }

    public Socket2DatagramChannelConfig setUdpGro(boolean on) { setOption(Socket2ChannelOption.UDP_GRO, on); return this; }

    public boolean isReusePort() { return getOption(Socket2ChannelOption.SO_REUSEPORT); }

    public Socket2DatagramChannelConfig setReusePort(boolean on) { setOption(Socket2ChannelOption.SO_REUSEPORT, on); return this; }

    // ---------------------------------------------------------------- multicast interface

    /** The outgoing multicast interface's address ({@code IP_MULTICAST_IF}; IPv4 only), or {@code null} if none was set. */
    @Override
    public InetAddress getInterface() {
        if (ch.ipv6) {
            NetworkInterface ni = getNetworkInterface();
            if (ni == null) return null;
            var e = ni.getInetAddresses();
            return e.hasMoreElements() ? e.nextElement() : null;
        }
        try {
            Inet4Address a = ch.socket.getOption(SockOpt.IP_MULTICAST_IF);
            return a == null || a.isAnyLocalAddress() ? null : a;
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public Socket2DatagramChannelConfig setInterface(InetAddress address) {
        try {
            if (ch.ipv6) {
                NetworkInterface ni = NetworkInterface.getByInetAddress(address);
                if (ni == null) throw new IllegalArgumentException("no interface has address " + address);
                setNetworkInterface(ni);
            } else {
                if (!(address instanceof Inet4Address a)) throw new IllegalArgumentException("not IPv4: " + address);
                ch.socket.setOption(SockOpt.IP_MULTICAST_IF, a);
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    /** The outgoing multicast interface ({@code IP_MULTICAST_IF} / {@code IPV6_MULTICAST_IF}), or {@code null}. */
    @Override
    public NetworkInterface getNetworkInterface() {
        try {
            if (ch.ipv6) {
                int index = ch.socket.getOption(SockOpt.IPV6_MULTICAST_IF);
                return index == 0 ? null : NetworkInterface.getByIndex(index);
            }
            InetAddress a = getInterface();
            return a == null ? null : NetworkInterface.getByInetAddress(a);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public Socket2DatagramChannelConfig setNetworkInterface(NetworkInterface iface) {
        try {
            Inet4Address v4 = UdpSupport.ipv4Of(iface);
            if (ch.ipv6) {
                ch.socket.setOption(SockOpt.IPV6_MULTICAST_IF, iface.getIndex());
                if (v4 != null) {
                    try { ch.socket.setOption(SockOpt.IP_MULTICAST_IF, v4); } catch (IOException ignored) { /* v6-only */ }
                }
            } else {
                if (v4 == null) throw new IllegalArgumentException(iface.getName() + " has no IPv4 address");
                ch.socket.setOption(SockOpt.IP_MULTICAST_IF, v4);
            }
        } catch (SocketException e) {
            throw new ChannelException(e);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    // ---------------------------------------------------------------- Netty's typed accessors

    @Override public int getSendBufferSize() { return getOption(ChannelOption.SO_SNDBUF); }
    @Override public Socket2DatagramChannelConfig setSendBufferSize(int n) { setOption(ChannelOption.SO_SNDBUF, n); return this; }
    @Override public int getReceiveBufferSize() { return getOption(ChannelOption.SO_RCVBUF); }
    @Override public Socket2DatagramChannelConfig setReceiveBufferSize(int n) { setOption(ChannelOption.SO_RCVBUF, n); return this; }
    @Override public int getTrafficClass() { return getOption(ChannelOption.IP_TOS); }
    @Override public Socket2DatagramChannelConfig setTrafficClass(int tc) { setOption(ChannelOption.IP_TOS, tc); return this; }
    @Override public boolean isReuseAddress() { return getOption(ChannelOption.SO_REUSEADDR); }
    @Override public Socket2DatagramChannelConfig setReuseAddress(boolean on) { setOption(ChannelOption.SO_REUSEADDR, on); return this; }
    @Override public boolean isBroadcast() { return getOption(ChannelOption.SO_BROADCAST); }
    @Override public Socket2DatagramChannelConfig setBroadcast(boolean on) { setOption(ChannelOption.SO_BROADCAST, on); return this; }
    @Override public boolean isLoopbackModeDisabled() { return getOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED); }
    @Override public Socket2DatagramChannelConfig setLoopbackModeDisabled(boolean off) {
        setOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED, off);
        return this;
    }
    @Override public int getTimeToLive() { return getOption(ChannelOption.IP_MULTICAST_TTL); }
    @Override public Socket2DatagramChannelConfig setTimeToLive(int ttl) { setOption(ChannelOption.IP_MULTICAST_TTL, ttl); return this; }

    @Override public Socket2DatagramChannelConfig setConnectTimeoutMillis(int ms) { super.setConnectTimeoutMillis(ms); return this; }
    @Override @Deprecated public Socket2DatagramChannelConfig setMaxMessagesPerRead(int n) { super.setMaxMessagesPerRead(n); return this; }
    @Override public Socket2DatagramChannelConfig setWriteSpinCount(int n) { super.setWriteSpinCount(n); return this; }
    @Override public Socket2DatagramChannelConfig setAllocator(ByteBufAllocator a) { super.setAllocator(a); return this; }
    @Override public Socket2DatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator a) {
        super.setRecvByteBufAllocator(a);
        return this;
    }
    @Override public Socket2DatagramChannelConfig setAutoRead(boolean on) { super.setAutoRead(on); return this; }
    @Override public Socket2DatagramChannelConfig setAutoClose(boolean on) { super.setAutoClose(on); return this; }
    @Override public Socket2DatagramChannelConfig setWriteBufferHighWaterMark(int n) { super.setWriteBufferHighWaterMark(n); return this; }
    @Override public Socket2DatagramChannelConfig setWriteBufferLowWaterMark(int n) { super.setWriteBufferLowWaterMark(n); return this; }
    @Override public Socket2DatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark m) {
        super.setWriteBufferWaterMark(m);
        return this;
    }
    @Override public Socket2DatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator e) {
        super.setMessageSizeEstimator(e);
        return this;
    }

    @Override
    protected void autoReadCleared() { ch.autoReadCleared(); }
}
