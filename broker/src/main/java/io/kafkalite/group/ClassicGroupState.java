package io.kafkalite.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a classic group, with the names Kafka reports in ListGroups and DescribeGroups.
 *
 * <pre>
 * Empty --join--> PreparingRebalance --all joined / timeout--> CompletingRebalance --leader sync--> Stable
 *                  ^  (no member left: back to Empty)                |                              |
 *                  +------------- join, leave, session expiry -------+------------------------------+
 * </pre>
 * Dead is reached only by deleting the group.
 */
public enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;
    private Set<ClassicGroupState> validPrevious;

    static {
        EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
        COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
        DEAD.validPrevious = EnumSet.allOf(ClassicGroupState.class);
    }

    ClassicGroupState(String displayName) {
        this.displayName = displayName;
    }

    boolean canFollow(ClassicGroupState previous) {
        return validPrevious.contains(previous);
    }

    /** The name clients see ("Stable", "PreparingRebalance", ...). */
    @Override
    public String toString() {
        return displayName;
    }
}
