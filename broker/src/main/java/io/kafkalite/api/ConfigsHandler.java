package io.kafkalite.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kafkalite.metadata.BrokerConfig;
import io.kafkalite.metadata.GroupConfigs;
import io.kafkalite.metadata.Topic;
import io.kafkalite.metadata.TopicConfigs;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs. Topic and group configs are dynamic, as in Kafka;
 * broker configs are reported with their defaults (clients and tools look up {@code num.partitions} and friends)
 * but are fixed at start.
 */
final class ConfigsHandler implements ApiHandler {

    private final BrokerState state;

    ConfigsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(ApiRequest request) {
        switch (request.apiKey()) {
            case DESCRIBE_CONFIGS -> describe(request);
            case ALTER_CONFIGS -> alter(request);
            case INCREMENTAL_ALTER_CONFIGS -> incrementalAlter(request);
            default -> throw new IllegalArgumentException("not a config API: " + request.apiKey());
        }
    }

    ConfigSource sourceOf(TopicConfigs.ConfigValue.Source source) {
        return switch (source) {
            case TOPIC -> ConfigSource.TOPIC_CONFIG;
            case BROKER -> ConfigSource.STATIC_BROKER_CONFIG;
            case DEFAULT -> ConfigSource.DEFAULT_CONFIG;
        };
    }

    private void describe(ApiRequest request) {
        DescribeConfigsRequestData data = request.data();
        List<DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName())
                    .setConfigs(new ArrayList<>());
            try {
                ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
                requireAllowed(request, AclOperation.DESCRIBE_CONFIGS, type, resource.resourceName());
                if (type == ConfigResource.Type.TOPIC) {
                    describeTopic(resource, data, result.configs());
                } else if (type == ConfigResource.Type.BROKER) {
                    requireThisBroker(resource.resourceName());
                    describeBroker(resource, data, result.configs());
                } else if (type == ConfigResource.Type.GROUP) {
                    describeGroup(resource, data, result.configs());
                } else {
                    throw new InvalidRequestException("Kafkalite describes TOPIC, BROKER and GROUP configs, not " + type);
                }
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            results.add(result);
        }
        request.respond(new DescribeConfigsResponseData().setResults(results));
    }

    private void describeTopic(DescribeConfigsResource resource, DescribeConfigsRequestData data,
                               List<DescribeConfigsResourceResult> out) {
        if (resource.resourceName().isEmpty()) {
            throw new InvalidTopicException("The empty string is not a topic name: name the topic whose configs to describe");
        }
        Topic topic = requireTopic(resource.resourceName());
        for (String name : requestedNames(resource, TopicConfigs.names())) {
            if (!TopicConfigs.isKnown(name)) {
                continue;
            }
            TopicConfigs.ConfigValue value = TopicConfigs.describe(name, state.config(), topic.configOverrides());
            DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                    .setName(name)
                    .setValue(value.value())
                    .setReadOnly(false)
                    .setConfigSource(sourceOf(value.source()).id())
                    .setIsSensitive(false)
                    .setConfigType(typeOf(TopicConfigs.definition(name).type).id());
            if (data.includeDocumentation()) {
                entry.setDocumentation(TopicConfigs.definition(name).documentation);
            }
            if (data.includeSynonyms()) {
                entry.setSynonyms(topicSynonyms(name, topic));
            }
            out.add(entry);
        }
    }

    /** A group's configs: its own settings, else the broker's {@code group.*} setting, else Kafka's default. */
    private void describeGroup(DescribeConfigsResource resource, DescribeConfigsRequestData data,
                               List<DescribeConfigsResourceResult> out) {
        requireGroupId(resource.resourceName());
        for (String name : requestedNames(resource, GroupConfigs.names())) {
            if (!GroupConfigs.isKnown(name)) {
                continue;
            }
            TopicConfigs.ConfigValue value = state.groupConfigs().describe(resource.resourceName(), name);
            ConfigSource source = value.source() == TopicConfigs.ConfigValue.Source.TOPIC
                    ? ConfigSource.GROUP_CONFIG : sourceOf(value.source());
            DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                    .setName(name)
                    .setValue(value.value())
                    .setReadOnly(false)
                    .setConfigSource(source.id())
                    .setIsSensitive(false)
                    .setConfigType(typeOf(GroupConfigs.definition(name).type).id());
            if (data.includeDocumentation()) {
                entry.setDocumentation(GroupConfigs.definition(name).documentation);
            }
            out.add(entry);
        }
    }

    private static void requireGroupId(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidRequestException("A GROUP config resource needs a group id");
        }
    }

    private List<DescribeConfigsSynonym> topicSynonyms(String name, Topic topic) {
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
        for (TopicConfigs.Synonym synonym : TopicConfigs.synonyms(name, state.config(), topic.configOverrides())) {
            synonyms.add(new DescribeConfigsSynonym().setName(synonym.name()).setValue(synonym.value())
                    .setSource(sourceOf(synonym.source()).id()));
        }
        return synonyms;
    }

    private void describeBroker(DescribeConfigsResource resource, DescribeConfigsRequestData data,
                                List<DescribeConfigsResourceResult> out) {
        List<String> all = new ArrayList<>();
        BrokerConfig.names().forEach(all::add);
        for (String name : requestedNames(resource, all)) {
            ConfigDef.ConfigKey key = BrokerConfig.definition(name);
            if (key == null) {
                continue;
            }
            ConfigSource source = state.config().isExplicit(name) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
            boolean sensitive = key.type == ConfigDef.Type.PASSWORD; // as Kafka: named, never shown
            String value = sensitive ? null : state.config().valueAsString(name);
            DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                    .setName(name)
                    .setValue(value)
                    .setReadOnly(true)
                    .setConfigSource(source.id())
                    .setIsSensitive(sensitive)
                    .setConfigType(typeOf(key.type).id());
            if (data.includeDocumentation()) {
                entry.setDocumentation(key.documentation);
            }
            if (data.includeSynonyms()) {
                entry.setSynonyms(brokerSynonyms(name));
            }
            out.add(entry);
        }
    }

    /** As Kafka lists them: the value given at start, then the default. */
    private List<DescribeConfigsSynonym> brokerSynonyms(String name) {
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
        if (BrokerConfig.definition(name).type == ConfigDef.Type.PASSWORD) {
            return synonyms;
        }
        if (state.config().isExplicit(name)) {
            synonyms.add(new DescribeConfigsSynonym().setName(name).setValue(state.config().valueAsString(name))
                    .setSource(ConfigSource.STATIC_BROKER_CONFIG.id()));
        }
        String defaultValue = BrokerConfig.defaultAsString(name);
        if (defaultValue != null) {
            synonyms.add(new DescribeConfigsSynonym().setName(name).setValue(defaultValue)
                    .setSource(ConfigSource.DEFAULT_CONFIG.id()));
        }
        return synonyms;
    }

    private static List<String> requestedNames(DescribeConfigsResource resource, List<String> all) {
        return resource.configurationKeys() == null || resource.configurationKeys().isEmpty()
                ? all : resource.configurationKeys();
    }

    private static ConfigType typeOf(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
        };
    }

    private void alter(ApiRequest request) {
        AlterConfigsRequestData data = request.data();
        List<AlterConfigsResponseData.AlterConfigsResourceResponse> responses = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            AlterConfigsResponseData.AlterConfigsResourceResponse response = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                requireAllowed(request, AclOperation.ALTER_CONFIGS, ConfigResource.Type.forId(resource.resourceType()),
                        resource.resourceName());
                if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.GROUP) {
                    requireGroupId(resource.resourceName());
                    Map<String, String> configs = new LinkedHashMap<>();
                    resource.configs().forEach(c -> configs.put(c.name(), c.value()));
                    state.groupConfigs().set(resource.resourceName(), configs, data.validateOnly());
                    responses.add(response);
                    continue;
                }
                Topic topic = requireAlterableTopic(resource.resourceType(), resource.resourceName());
                Map<String, String> overrides = new LinkedHashMap<>();
                for (AlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                    if (config.value() == null) {
                        throw new InvalidConfigurationException("Null value not supported for topic config '" + config.name() + "'");
                    }
                    overrides.put(config.name(), config.value());
                }
                apply(topic, overrides, data.validateOnly());
            } catch (ApiException e) {
                response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            responses.add(response);
        }
        request.respond(new AlterConfigsResponseData().setResponses(responses));
    }

    private void incrementalAlter(ApiRequest request) {
        IncrementalAlterConfigsRequestData data = request.data();
        List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> responses = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse response =
                    new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                            .setResourceType(resource.resourceType())
                            .setResourceName(resource.resourceName());
            try {
                requireAllowed(request, AclOperation.ALTER_CONFIGS, ConfigResource.Type.forId(resource.resourceType()),
                        resource.resourceName());
                if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.GROUP) {
                    requireGroupId(resource.resourceName());
                    Map<String, String> configs = new LinkedHashMap<>(state.groupConfigs().overrides(resource.resourceName()));
                    for (IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                        applyGroupOperation(configs, config);
                    }
                    state.groupConfigs().set(resource.resourceName(), configs, data.validateOnly());
                    responses.add(response);
                    continue;
                }
                Topic topic = requireAlterableTopic(resource.resourceType(), resource.resourceName());
                Map<String, String> overrides = new LinkedHashMap<>(topic.configOverrides());
                for (IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                    applyOperation(overrides, config);
                }
                apply(topic, overrides, data.validateOnly());
            } catch (ApiException e) {
                response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            responses.add(response);
        }
        request.respond(new IncrementalAlterConfigsResponseData().setResponses(responses));
    }

    private void applyOperation(Map<String, String> overrides, IncrementalAlterConfigsRequestData.AlterableConfig config) {
        String name = config.name();
        AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(config.configOperation());
        if (op == null) {
            throw new InvalidRequestException("Unknown config operation " + config.configOperation() + " for '" + name + "'");
        }
        if (!TopicConfigs.isKnown(name)) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name);
        }
        boolean isList = TopicConfigs.definition(name).type == ConfigDef.Type.LIST;
        switch (op) {
            case SET -> {
                if (config.value() == null) {
                    throw new InvalidConfigurationException("Null value not supported for topic config '" + name + "'");
                }
                overrides.put(name, config.value());
            }
            case DELETE -> overrides.remove(name);
            case APPEND, SUBTRACT -> {
                if (!isList) {
                    throw new InvalidConfigurationException("Config '" + name + "' is not a list; " + op
                            + " applies only to list configs");
                }
                String current = overrides.getOrDefault(name,
                        TopicConfigs.describe(name, state.config(), Map.of()).value());
                Set<String> items = new LinkedHashSet<>();
                if (current != null && !current.isBlank()) {
                    items.addAll(Arrays.asList(current.split(",")));
                }
                List<String> changes = Arrays.asList(config.value() == null ? new String[0] : config.value().split(","));
                if (op == AlterConfigOp.OpType.APPEND) {
                    items.addAll(changes);
                } else {
                    changes.forEach(items::remove);
                }
                overrides.put(name, String.join(",", items));
            }
        }
    }

    /** Topic configs need the operation on the topic, group configs on the group, broker configs on the cluster. */
    private void requireAllowed(ApiRequest request, AclOperation operation, ConfigResource.Type type, String name) {
        Authorization authorization = state.authorization();
        if (type == ConfigResource.Type.TOPIC && !authorization.allows(request, operation, ResourceType.TOPIC, name)) {
            throw new TopicAuthorizationException(Set.of(name));
        }
        if (type == ConfigResource.Type.BROKER && !authorization.allowsCluster(request, operation)) {
            throw new ClusterAuthorizationException("Cluster authorization failed.");
        }
        if (type == ConfigResource.Type.GROUP && !authorization.allows(request, operation, ResourceType.GROUP, name)) {
            throw new GroupAuthorizationException("Group authorization failed.");
        }
    }

    /** SET and DELETE of a group config; group configs are no lists, so APPEND and SUBTRACT are refused. */
    private static void applyGroupOperation(Map<String, String> configs,
                                            IncrementalAlterConfigsRequestData.AlterableConfig config) {
        AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(config.configOperation());
        if (!GroupConfigs.isKnown(config.name())) {
            throw new InvalidConfigurationException("Unknown group config name: " + config.name()
                    + ". Group configs are " + String.join(", ", GroupConfigs.names()));
        }
        if (op == AlterConfigOp.OpType.SET) {
            if (config.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for group config '" + config.name() + "'");
            }
            configs.put(config.name(), config.value());
        } else if (op == AlterConfigOp.OpType.DELETE) {
            configs.remove(config.name());
        } else {
            throw new InvalidConfigurationException("Config '" + config.name() + "' is not a list; " + op
                    + " applies only to list configs");
        }
    }

    /** Only topic configs change at run time; the error for a broker says how to set broker configs instead. */
    private Topic requireAlterableTopic(byte resourceType, String resourceName) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.BROKER) {
            requireThisBroker(resourceName);
            throw new InvalidRequestException("Kafkalite broker configs are fixed at start: set them with "
                    + "KafkaLite.builder().brokerConfig(name, value) or --config name=value");
        }
        if (type != ConfigResource.Type.TOPIC) {
            throw new InvalidRequestException("Kafkalite alters TOPIC configs, not " + type);
        }
        if (resourceName.isEmpty()) {
            // as Kafka: an unnamed topic resource would be a cluster-wide topic default, which topics do not have
            throw new InvalidRequestException("Topic defaults cannot be altered through an unnamed topic resource: they "
                    + "are broker configs (log.retention.ms and the like), fixed at start");
        }
        return requireTopic(resourceName);
    }

    private void apply(Topic topic, Map<String, String> overrides, boolean validateOnly) {
        if (validateOnly) {
            state.topics().validateConfigs(topic.name(), overrides);
        } else {
            state.topics().setConfigs(topic.name(), overrides);
        }
    }

    private Topic requireTopic(String name) {
        Topic topic = state.topics().get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    /** The broker resource is this node's id, or empty for the cluster-wide default. */
    private void requireThisBroker(String name) {
        if (name.isEmpty() || name.equals(String.valueOf(state.nodeId()))) {
            return;
        }
        throw new InvalidRequestException("Broker '" + name + "' is not this broker (node id " + state.nodeId() + ")");
    }
}
