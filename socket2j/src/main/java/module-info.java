/**
 * socket2j: the socket API of Rust's socket2 crate for Java, through the Foreign Function &amp; Memory API,
 * and a Netty 4.2 transport built on it.
 */
module dev.socket2j {
    requires transitive io.netty.common;
    requires transitive io.netty.buffer;
    requires transitive io.netty.transport;
    requires transitive io.netty.transport.unix.common;

    exports dev.socket2j;
    exports dev.socket2j.netty;
}
