package io.kafkalite.api;

import java.util.Collection;

import io.kafkalite.group.TopicLookup;
import io.kafkalite.metadata.Topic;
import org.apache.kafka.common.Uuid;

/** The broker's topics as the group coordinator sees them. */
public record BrokerTopics(BrokerState state) implements TopicLookup {

    @Override
    public Collection<TopicInfo> all() {
        return state.topics().all().stream().map(BrokerTopics::info).toList();
    }

    @Override
    public TopicInfo byName(String name) {
        Topic topic = state.topics().get(name);
        return topic == null ? null : info(topic);
    }

    @Override
    public TopicInfo byId(Uuid id) {
        Topic topic = state.topics().get(id);
        return topic == null ? null : info(topic);
    }

    private static TopicInfo info(Topic topic) {
        return new TopicInfo(topic.name(), topic.id(), topic.partitionCount());
    }
}
