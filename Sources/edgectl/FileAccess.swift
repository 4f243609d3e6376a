#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Kernels
#if canImport(Glibc)
import Glibc
#endif
import Runtime
import TFLite

/// File reading with errors that name the path.
enum FileAccess {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if isDirectory(path) { throw CommandLineError("\(path) is a directory, not a file") }
            if exists(path) { throw CommandLineError("cannot read \(path): permission denied") }
            throw CommandLineError("no such file: \(path)")
        }
        return [UInt8](data)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CommandLineError("cannot write \(path)")
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Loads and parses a model, turning format errors into one-line messages naming the file.
    static func loadModel(_ path: String) throws -> Model {
        let bytes = try read(path)
        do {
            return try Model(bytes: bytes)
        } catch {
            throw CommandLineError("\(path): not a valid .tflite model: \(error.message)")
        }
    }

    /// Prepares an interpreter, turning runtime errors into one-line messages naming the file.
    static func interpreter(for model: Model, path: String, preserveTensors: Bool = false, threads: Int = 1,
                            microkernel: Microkernel? = nil) throws -> Interpreter {
        do {
            if preserveTensors { return try Interpreter(model: model, planner: LinearMemoryPlanner(), microkernel: microkernel) }
            return try Interpreter(model: model, threads: threads, microkernel: microkernel)
        } catch {
            throw CommandLineError("\(path): \(error.message)")
        }
    }
}
