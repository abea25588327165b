package io.kafkalite.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server-side assignors of the consumer group protocol, chosen by {@code group.remote.assignor}: {@code uniform}
 * (balanced and sticky: partitions stay where they are unless balance needs them elsewhere) and {@code range}
 * (each topic's partitions in contiguous ranges over its subscribers, in member id order).
 */
enum ServerAssignor {
    UNIFORM("uniform") {
        @Override
        Map<String, Set<IdPartition>> assign(Map<String, Set<IdPartition>> eligible, Map<String, Set<IdPartition>> current) {
            Map<String, Set<IdPartition>> result = new HashMap<>();
            Set<IdPartition> taken = new HashSet<>();
            for (String member : eligible.keySet()) {
                Set<IdPartition> kept = new TreeSet<>();
                for (IdPartition p : current.getOrDefault(member, Set.of())) {
                    if (eligible.get(member).contains(p) && taken.add(p)) {
                        kept.add(p);
                    }
                }
                result.put(member, kept);
            }
            Set<IdPartition> all = new TreeSet<>();
            eligible.values().forEach(all::addAll);
            for (IdPartition p : all) {
                if (!taken.contains(p)) {
                    leastLoaded(result, eligible, p).add(p);
                }
            }
            rebalance(result, eligible);
            return result;
        }
    },
    RANGE("range") {
        @Override
        Map<String, Set<IdPartition>> assign(Map<String, Set<IdPartition>> eligible, Map<String, Set<IdPartition>> current) {
            Map<String, Set<IdPartition>> result = new HashMap<>();
            eligible.keySet().forEach(m -> result.put(m, new TreeSet<>()));
            Map<org.apache.kafka.common.Uuid, List<IdPartition>> byTopic = new HashMap<>();
            Set<IdPartition> all = new TreeSet<>();
            eligible.values().forEach(all::addAll);
            all.forEach(p -> byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p));
            for (List<IdPartition> partitions : byTopic.values()) {
                List<String> subscribers = eligible.keySet().stream()
                        .filter(m -> eligible.get(m).contains(partitions.get(0))).sorted().toList();
                int each = partitions.size() / subscribers.size();
                int extra = partitions.size() % subscribers.size();
                int next = 0;
                for (int i = 0; i < subscribers.size(); i++) {
                    int count = each + (i < extra ? 1 : 0);
                    result.get(subscribers.get(i)).addAll(partitions.subList(next, next + count));
                    next += count;
                }
            }
            return result;
        }
    };

    private final String label;

    ServerAssignor(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * @param eligible per member, every partition it could be given (those of the topics it subscribes to)
     * @param current the previous target assignment, for stickiness
     */
    abstract Map<String, Set<IdPartition>> assign(Map<String, Set<IdPartition>> eligible,
                                                  Map<String, Set<IdPartition>> current);

    static ServerAssignor named(String name) {
        for (ServerAssignor assignor : values()) {
            if (assignor.label.equals(name)) {
                return assignor;
            }
        }
        return null;
    }

    private static Set<IdPartition> leastLoaded(Map<String, Set<IdPartition>> result,
                                                Map<String, Set<IdPartition>> eligible, IdPartition p) {
        return result.entrySet().stream()
                .filter(e -> eligible.get(e.getKey()).contains(p))
                .min(Comparator.<Map.Entry<String, Set<IdPartition>>>comparingInt(e -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .orElseThrow()
                .getValue();
    }

    /** Moves partitions from the most to the least loaded eligible member until no two differ by more than one. */
    private static void rebalance(Map<String, Set<IdPartition>> result, Map<String, Set<IdPartition>> eligible) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (String from : new TreeSet<>(result.keySet())) {
                for (IdPartition p : new TreeSet<>(result.get(from))) {
                    Set<IdPartition> to = leastLoaded(result, eligible, p);
                    if (result.get(from).size() - to.size() > 1) {
                        result.get(from).remove(p);
                        to.add(p);
                        moved = true;
                    }
                }
            }
        }
    }
}
