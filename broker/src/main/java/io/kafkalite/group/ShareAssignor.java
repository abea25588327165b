package io.kafkalite.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The share groups' {@code simple} assignor, in Kafka's spirit: every subscribed partition goes to at least one
 * member and, with more members than partitions, to several (each partition shared by
 * {@code ceil(members / partitions)} members, as far as subscriptions allow), with the load balanced and existing
 * assignments kept where balance permits. A share group needs no revocation: records are acquired one by one, so
 * members take their new partitions at once.
 */
final class ShareAssignor {

    static final String NAME = "simple";

    private ShareAssignor() {
    }

    /**
     * @param eligible per member, the partitions of the topics it subscribes to
     * @param current the previous target assignment, kept where balance permits
     */
    static Map<String, Set<IdPartition>> assign(Map<String, Set<IdPartition>> eligible,
                                                Map<String, Set<IdPartition>> current) {
        Map<String, Set<IdPartition>> result = new TreeMap<>();
        eligible.keySet().forEach(member -> result.put(member, new TreeSet<>()));
        Map<IdPartition, List<String>> subscribers = new TreeMap<>();
        eligible.forEach((member, partitions) -> partitions.forEach(
                p -> subscribers.computeIfAbsent(p, x -> new ArrayList<>()).add(member)));
        if (subscribers.isEmpty()) {
            return result;
        }
        int sharing = Math.max(1, (eligible.size() + subscribers.size() - 1) / subscribers.size());
        Map<IdPartition, Integer> need = new HashMap<>();
        int total = 0;
        for (Map.Entry<IdPartition, List<String>> e : subscribers.entrySet()) {
            int n = Math.min(sharing, e.getValue().size());
            need.put(e.getKey(), n);
            total += n;
        }
        int perMember = (total + eligible.size() - 1) / eligible.size();
        // keep what members had, within the partition's sharing and the member's fair load
        for (Map.Entry<String, Set<IdPartition>> e : new TreeMap<>(current).entrySet()) {
            Set<IdPartition> kept = result.get(e.getKey());
            if (kept == null) {
                continue;
            }
            for (IdPartition p : e.getValue()) {
                if (eligible.get(e.getKey()).contains(p) && need.getOrDefault(p, 0) > 0 && kept.size() < perMember) {
                    kept.add(p);
                    need.merge(p, -1, Integer::sum);
                }
            }
        }
        for (IdPartition p : subscribers.keySet()) {
            while (need.get(p) > 0) {
                String member = subscribers.get(p).stream()
                        .filter(m -> !result.get(m).contains(p))
                        .min(Comparator.<String>comparingInt(m -> result.get(m).size()).thenComparing(m -> m))
                        .orElseThrow();
                result.get(member).add(p);
                need.merge(p, -1, Integer::sum);
            }
        }
        return result;
    }
}
