package dev.socket2j.netty;

import dev.socket2j.SockOpt;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * Netty's multicast methods of {@link DatagramChannel}, written once for the UDP channels of both engines: every
 * overload goes to the channel's {@link UdpSupport} ({@code IP_ADD_MEMBERSHIP} by interface index,
 * {@code IPV6_ADD_MEMBERSHIP}, {@code MCAST_JOIN_SOURCE_GROUP}, {@code MCAST_BLOCK_SOURCE}); a failure (not a multicast
 * address, the kernel's errno) fails the returned future. Without an interface, the bound address's interface is used,
 * else the kernel picks one.
 */
interface UdpMulticast extends DatagramChannel {
    @Override
    default ChannelFuture joinGroup(InetAddress group) { return joinGroup(group, newPromise()); }

    @Override
    default ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        return UdpSupport.of(this).membership(true, group, null, null, localAddress(), promise);
    }

    @Override
    default ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface) {
        return joinGroup(group, iface, newPromise());
    }

    @Override
    default ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return UdpSupport.of(this).membership(true, group.getAddress(), iface, null, localAddress(), promise);
    }

    @Override
    default ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return joinGroup(group, iface, source, newPromise());
    }

    @Override
    default ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return UdpSupport.of(this).membership(true, group, iface, source, localAddress(), promise);
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group) { return leaveGroup(group, newPromise()); }

    @Override
    default ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        return UdpSupport.of(this).membership(false, group, null, null, localAddress(), promise);
    }

    @Override
    default ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface) {
        return leaveGroup(group, iface, newPromise());
    }

    @Override
    default ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return UdpSupport.of(this).membership(false, group.getAddress(), iface, null, localAddress(), promise);
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return leaveGroup(group, iface, source, newPromise());
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return UdpSupport.of(this).membership(false, group, iface, source, localAddress(), promise);
    }

    @Override
    default ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source) {
        return block(group, iface, source, newPromise());
    }

    @Override
    default ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return UdpSupport.of(this).sourceAction(SockOpt.MCAST_BLOCK_SOURCE, group, iface, source, localAddress(), promise);
    }

    @Override
    default ChannelFuture block(InetAddress group, InetAddress source) { return block(group, source, newPromise()); }

    @Override
    default ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        return block(group, null, source, promise);
    }

    /** Unblocks a source blocked with {@code block} ({@code MCAST_UNBLOCK_SOURCE}). */
    default ChannelFuture unblock(InetAddress group, NetworkInterface iface, InetAddress source) {
        return UdpSupport.of(this).sourceAction(SockOpt.MCAST_UNBLOCK_SOURCE, group, iface, source, localAddress(), newPromise());
    }
}
