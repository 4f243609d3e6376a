import Foundation

/// Runs the configured `training.externalTrainer` command for a snapshot: the command gets the snapshot directory
/// (train.csv, validation.csv, snapshot.json) and an output path, and must write a `.tflite` there.
///
/// The child runs with a deadline; a command that overruns it is killed (SIGTERM, then SIGKILL). Its output is read
/// back as bytes; checking that they are a model is the caller's (the gate and the bundle builder refuse garbage).
struct ExternalTrainer: Sendable {
    let command: [String]
    let timeoutSeconds: Double

    /// The model bytes the command wrote, or an error naming what went wrong (exit status, stderr tail, timeout).
    func run(snapshotDirectory: String, output: String) async throws(CollectorError) -> [UInt8] {
        guard let executable = command.first else { throw CollectorError(.invalidConfiguration, "training.externalTrainer is empty") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst()) + [snapshotDirectory, output]
        let errorLog = "\(snapshotDirectory)/trainer.stderr"
        FileManager.default.createFile(atPath: errorLog, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorLog)
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CollectorError(.invalidConfiguration, "training.externalTrainer \(executable) could not be started: \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var timedOut = false
        while process.isRunning {
            if Date() >= deadline {
                timedOut = true
                process.terminate()
                try? await Task.sleep(for: .seconds(2))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            if Task.isCancelled {
                process.terminate()
                throw CollectorError(.invalidRequest, "the external trainer was stopped: the job was cancelled or the collector is stopping")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        process.waitUntilExit()
        let stderr = String(decoding: (FileManager.default.contents(atPath: errorLog) ?? Data()).suffix(500), as: UTF8.self)
        if timedOut {
            throw CollectorError(.invalidRequest, "the external trainer ran longer than training.externalTrainerTimeoutSeconds (\(timeoutSeconds) s) and was killed")
        }
        guard process.terminationStatus == 0 else {
            throw CollectorError(.invalidRequest, "the external trainer exited with status \(process.terminationStatus): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let bytes = FileManager.default.contents(atPath: output), !bytes.isEmpty else {
            throw CollectorError(.invalidRequest, "the external trainer exited 0 but wrote no model to \(output)")
        }
        return [UInt8](bytes)
    }
}
