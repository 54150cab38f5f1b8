package dev.socket2j;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * The interface of an IPv4 multicast membership given either by index or by one of its addresses, as in
 * {@code struct ip_mreqn}. {@code index(0)} and {@code address(0.0.0.0)} both let the kernel choose.
 */
public sealed interface InterfaceIndexOrAddress {
    /** The interface with this index ({@code if_nametoindex(3)}); 0 lets the kernel choose. */
    record Index(int index) implements InterfaceIndexOrAddress {
        /** Checks the components. @throws IllegalArgumentException for a negative index */
        public Index {
            if (index < 0) throw new IllegalArgumentException("negative interface index: " + index);
        }
    }

    /** The interface that has this local address; 0.0.0.0 lets the kernel choose. */
    record Address(Inet4Address address) implements InterfaceIndexOrAddress {
        /** Checks the components. @throws NullPointerException for a null address */
        public Address { Objects.requireNonNull(address, "address"); }
    }

    /** The interface with index {@code index} (0: the kernel chooses). */
    static InterfaceIndexOrAddress index(int index) { return new Index(index); }

    /** The interface that has the local address {@code address} ({@code 0.0.0.0}: the kernel chooses). */
    static InterfaceIndexOrAddress address(Inet4Address address) { return new Address(address); }
}
