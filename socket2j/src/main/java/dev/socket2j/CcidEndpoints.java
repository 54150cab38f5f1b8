package dev.socket2j;

import java.util.Arrays;

/** The CCIDs a DCCP endpoint supports ({@code DCCP_SOCKOPT_AVAILABLE_CCIDS}), in the kernel's order. */
public record CcidEndpoints(byte[] ccids) {
    /** Copies {@code ccids}. */
    public CcidEndpoints { ccids = ccids.clone(); }

    /** A copy of the CCID numbers (2 = TCP-like, 3 = TFRC). */
    @Override public byte[] ccids() { return ccids.clone(); }
    /** How many CCIDs there are. */
    public int length() { return ccids.length; }
    @Override public boolean equals(Object o) { return o instanceof CcidEndpoints c && Arrays.equals(ccids, c.ccids); }
    @Override public int hashCode() { return Arrays.hashCode(ccids); }
    @Override public String toString() { return "CcidEndpoints" + Arrays.toString(ccids); }
}
