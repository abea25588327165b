package io.kafkalite.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicConfigs;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResultCollection;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreateTopics, DeleteTopics and CreatePartitions. Replication factors above 1 are accepted as 1 (tests written
 * for real clusters ask for 3); replica assignments only tell the partition count.
 */
final class TopicAdminHandler implements ApiHandler {

    private final BrokerState state;
    private final ConfigsHandler configs;
    TopicAdminHandler(BrokerState state, ConfigsHandler configs) {
        this.state = state;
        this.configs = configs;
    }

    @Override
    public void handle(ApiRequest request) {
        if (request.apiKey() == KafkaApi.CREATE_TOPICS) {
            createTopics(request);
        } else if (request.apiKey() == KafkaApi.DELETE_TOPICS) {
            deleteTopics(request);
        } else {
            createPartitions(request);
        }
    }

    private void createTopics(ApiRequest request) {
        CreateTopicsRequestData data = request.data();
        Set<String> duplicates = duplicateNames(data.topics().stream().map(CreatableTopic::name).toList());
        CreatableTopicResultCollection results = new CreatableTopicResultCollection();
        Authorization authorization = state.authorization();
        boolean clusterCreate = authorization.allowsCluster(request, AclOperation.CREATE);
        for (CreatableTopic requested : data.topics()) {
            boolean describeConfigs = authorization.allows(request, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC,
                    requested.name());
            CreatableTopicResult result = new CreatableTopicResult().setName(requested.name())
                    .setNumPartitions(-1).setReplicationFactor((short) -1).setTopicConfigErrorCode(describeConfigs
                            ? Errors.NONE.code() : Errors.TOPIC_AUTHORIZATION_FAILED.code());
            try {
                if (duplicates.contains(requested.name())) {
                    throw new InvalidRequestException("Topic '" + requested.name() + "' appears more than once in the request");
                }
                if (!clusterCreate && !authorization.allows(request, AclOperation.CREATE, ResourceType.TOPIC, requested.name())) {
                    throw new TopicAuthorizationException("Authorization failed.");
                }
                int partitions = partitionCount(requested);
                Map<String, String> overrides = configOverrides(requested);
                Topic topic = null;
                if (data.validateOnly()) {
                    state.topics().validateNew(requested.name(), partitions, overrides);
                } else {
                    topic = state.topics().create(requested.name(), partitions, overrides);
                }
                result.setTopicId(topic == null ? Uuid.ZERO_UUID : topic.id())
                        .setNumPartitions(partitions)
                        .setReplicationFactor((short) 1)
                        .setConfigs(request.version() >= 5 && describeConfigs ? describeConfigs(overrides) : List.of());
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage())
                        .setConfigs(request.version() >= 5 ? null : List.of());
            }
            results.add(result);
        }
        request.respond(new CreateTopicsResponseData().setTopics(results));
    }

    private int partitionCount(CreatableTopic requested) {
        if (!requested.assignments().isEmpty()) {
            if (requested.numPartitions() != -1 || requested.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments were set. "
                        + "Both cannot be used at the same time.");
            }
            return requested.assignments().size();
        }
        if (requested.replicationFactor() == 0 || requested.replicationFactor() < -1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the "
                    + "default; got " + requested.replicationFactor());
        }
        return requested.numPartitions() == -1 ? state.config().numPartitions() : requested.numPartitions();
    }

    private static Map<String, String> configOverrides(CreatableTopic requested) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (CreatableTopicConfig config : requested.configs()) {
            if (config.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config '" + config.name() + "'");
            }
            overrides.put(config.name(), config.value());
        }
        return overrides;
    }

    private List<CreatableTopicConfigs> describeConfigs(Map<String, String> overrides) {
        List<CreatableTopicConfigs> described = new ArrayList<>();
        for (String name : TopicConfigs.names()) {
            TopicConfigs.ConfigValue value = TopicConfigs.describe(name, state.config(), overrides);
            described.add(new CreatableTopicConfigs()
                    .setName(name)
                    .setValue(value.value())
                    .setReadOnly(false)
                    .setConfigSource(configs.sourceOf(value.source()).id())
                    .setIsSensitive(false));
        }
        return described;
    }

    private void deleteTopics(ApiRequest request) {
        DeleteTopicsRequestData data = request.data();
        List<DeleteTopicState> targets = new ArrayList<>(data.topics());
        data.topicNames().forEach(name -> targets.add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID)));
        DeletableTopicResultCollection results = new DeletableTopicResultCollection();
        for (DeleteTopicState target : targets) {
            DeletableTopicResult result = new DeletableTopicResult().setName(target.name()).setTopicId(target.topicId());
            try {
                if (!state.config().deleteTopicEnable()) {
                    throw new TopicDeletionDisabledException("Topic deletion is disabled (delete.topic.enable=false)");
                }
                String name = target.name();
                if (name == null) {
                    Topic topic = state.topics().get(target.topicId());
                    if (topic == null) {
                        throw new UnknownTopicIdException("Topic id " + target.topicId() + " does not exist");
                    }
                    if (!state.authorization().allows(request, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())) {
                        throw new TopicAuthorizationException("Authorization failed."); // the name stays hidden
                    }
                    name = topic.name();
                    result.setName(name);
                }
                if (!state.authorization().allows(request, AclOperation.DELETE, ResourceType.TOPIC, name)) {
                    throw new TopicAuthorizationException("Authorization failed.");
                }
                Topic topic = state.topics().get(name);
                result.setTopicId(topic == null ? target.topicId() : topic.id());
                state.deleteTopic(name);
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            results.add(result);
        }
        request.respond(new DeleteTopicsResponseData().setResponses(results));
    }

    private void createPartitions(ApiRequest request) {
        CreatePartitionsRequestData data = request.data();
        Set<String> duplicates = duplicateNames(data.topics().stream().map(CreatePartitionsTopic::name).toList());
        List<CreatePartitionsTopicResult> results = new ArrayList<>();
        for (CreatePartitionsTopic requested : data.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(requested.name());
            try {
                if (duplicates.contains(requested.name())) {
                    throw new InvalidRequestException("Topic '" + requested.name() + "' appears more than once in the request");
                }
                if (!state.authorization().allows(request, AclOperation.ALTER, ResourceType.TOPIC, requested.name())) {
                    throw new TopicAuthorizationException("The topic authorization is failed.");
                }
                if (requested.assignments() != null
                        && requested.assignments().size() != requested.count() - currentCount(requested.name())) {
                    throw new InvalidRequestException("Replica assignments must cover exactly the new partitions");
                }
                if (data.validateOnly()) {
                    state.topics().validatePartitionIncrease(requested.name(), requested.count());
                } else {
                    state.topics().increasePartitions(requested.name(), requested.count());
                }
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            results.add(result);
        }
        request.respond(new CreatePartitionsResponseData().setResults(results));
    }

    private int currentCount(String name) {
        Topic topic = state.topics().get(name);
        return topic == null ? 0 : topic.partitionCount();
    }

    private static Set<String> duplicateNames(List<String> names) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                duplicates.add(name);
            }
        }
        return duplicates;
    }
}
