package dev.socket2j;

import java.util.Arrays;

/** The CCIDs a DCCP endpoint supports ({@code DCCP_SOCKOPT_AVAILABLE_CCIDS}), in the kernel's order. */
public record CcidEndpoints(byte[] ccids) {
    public CcidEndpoints { ccids = ccids.clone(); }

    @Override public byte[] ccids() { return ccids.clone(); }
    public int length() { return ccids.length; }
    @Override public boolean equals(Object o) { return o instanceof CcidEndpoints c && Arrays.equals(ccids, c.ccids); }
    @Override public int hashCode() { return Arrays.hashCode(ccids); }
    @Override public String toString() { return "CcidEndpoints" + Arrays.toString(ccids); }
}
