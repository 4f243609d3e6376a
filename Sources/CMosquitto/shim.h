#ifndef EDGEFLEET_CMOSQUITTO_SHIM_H
#define EDGEFLEET_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
