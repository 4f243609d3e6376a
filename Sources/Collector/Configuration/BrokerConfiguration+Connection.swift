import MQTT

// The shared settings under their familiar names (MQTTBrokerSettingsHolder), so `configuration.broker.host` reads as before.
extension BrokerConfiguration: MQTTBrokerSettingsHolder {}
