package io.kafkalite.group;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the groups of the heartbeat protocols share (KIP-848 consumer groups, share groups, streams groups): members
 * by id, the group epoch every change of membership or subscription bumps, the epoch the target assignment was
 * computed for, and whether the group was deleted. Classic groups have generations instead.
 *
 * @param <M> the member type
 */
abstract class MemberEpochGroup<M> implements Group {

    private final String groupId;
    final Map<String, M> members = new LinkedHashMap<>();
    /** Bumped by every change of membership, subscriptions or the subscribed topics' partitions. */
    int groupEpoch;
    /** The group epoch the target assignment was computed for. */
    int assignmentEpoch;
    private boolean dead;

    MemberEpochGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public final String groupId() {
        return groupId;
    }

    @Override
    public final boolean isDead() {
        return dead;
    }

    @Override
    public final void markDead() {
        dead = true;
    }
}
