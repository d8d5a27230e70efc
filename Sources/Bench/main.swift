import Foundation
import VistaCore

// vista-bench <suite>: release-built benchmarks. Each suite lives in its own file as `Bench<Name>.run(arguments)`.
BLAS.preferFastKernels()

let suites: [String: ([String]) throws -> Void] = [
  "blas": BenchBLAS.run,
  "checkpoint": BenchCheckpoint.run,
  "conv": BenchConv.run,
  "data": BenchData.run,
  "finetune": BenchFinetune.run,
  "model": BenchModel.run,
  "norm": BenchNorm.run,
  "parity": BenchParity.run,
  "train": BenchTrain.run,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let suite = suites[name] else {
  print("usage: vista-bench <suite> [options]\nsuites: \(suites.keys.sorted().joined(separator: ", "))")
  exit(args.isEmpty ? 0 : 64)
}
print("vista-bench \(name): OpenBLAS kernels \(BLAS.coreName), \(parallelWorkers) workers")
do { try suite(Array(args.dropFirst())) } catch {
  print("error: \(error)")
  exit(70)
}
