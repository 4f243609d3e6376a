import Agent
import Logging
import Metrics
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// `edge-agent`: parse arguments, load the configuration, bootstrap logging and metrics, run the services.
@main
enum EdgeAgentMain {
    static func main() async {
        let arguments: Arguments
        let configuration: AgentConfiguration
        do {
            arguments = try Arguments.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            // `--help` (and `-h`) arrive here as a clean exit; anything else is a wrong command line.
            if Arguments.exitCode(for: error) == .success {
                print(Arguments.usage)
                return
            }
            fail("edge-agent: invalid arguments: \(Arguments.message(for: error)) (see --help)", status: 78)
        }
        if arguments.showVersion {
            print("edge-agent \(AgentVersion.current)")
            return
        }
        do {
            let path = arguments.configPath ?? (access(Arguments.defaultConfigPath, R_OK) == 0 ? Arguments.defaultConfigPath : nil)
            configuration = try AgentConfiguration.load(path: path, overrides: try arguments.overrides())
        } catch {
            fail("edge-agent: \(error)", status: 78)
        }
        if arguments.checkOnly {
            print("configuration OK: device \(configuration.deviceID), broker \(configuration.broker.host):\(configuration.broker.port)")
            return
        }

        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        MetricsSystem.bootstrap(TelemetryMetrics.shared)
        var logger = Logger(label: "edge-agent")
        logger[metadataKey: "device"] = "\(configuration.deviceID)"

        let agent: EdgeAgent
        do {
            agent = try EdgeAgent(configuration: configuration, logger: logger, metrics: { TelemetryMetrics.shared.snapshot() })
        } catch let error as ConfigurationError {
            fail("edge-agent: \(error)", status: 78)
        } catch {
            logger.critical("start-up failed", metadata: ["error": "\(error)"])
            fail("edge-agent: start-up failed: \(error)", status: 1)
        }
        var group = ServiceGroupConfiguration(
            services: agent.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [.sigquit], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(20)
        do {
            try await ServiceGroup(configuration: group).run()
            logger.info("stopped")
        } catch {
            logger.critical("a service failed", metadata: ["error": "\(error)"])
            fail("edge-agent: \(error)", status: 1)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(status)
    }
}
