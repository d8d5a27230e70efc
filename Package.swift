// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "VistaShell",
  products: [
    .executable(name: "vista", targets: ["Shell"]),
    .executable(name: "vista-bench", targets: ["Bench"]),
    .library(name: "VistaCore", targets: ["VistaCore"]),
    .library(name: "Plot", targets: ["Plot"]),
    .library(name: "Interpreter", targets: ["Interpreter"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: - C shims (one per system library)
    .systemLibrary(
      name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
    .systemLibrary(
      name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CEdit", path: "Sources/CEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .systemLibrary(
      name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2",
      providers: [.apt(["libfreetype-dev"])]),
    // libnifti has no pkg-config file; a C target's include/ forwards <znzlib.h>.
    .target(
      name: "CNifti", path: "Sources/CNifti",
      linkerSettings: [
        .linkedLibrary("niftiio"), .linkedLibrary("znz"), .linkedLibrary("z"), .linkedLibrary("m"),
      ]),

    // MARK: - Public modules
    .target(
      name: "VistaCore", dependencies: ["COpenBLAS", "CDNNL", "CNifti"],
      exclude: ["README.md"]),
    .target(name: "Plot", dependencies: ["CPNG", "CFreeType"], exclude: ["README.md"]),
    .target(name: "Interpreter", dependencies: ["VistaCore", "Plot"], exclude: ["README.md"]),
    .executableTarget(
      name: "Shell",
      dependencies: [
        "Interpreter", "CEdit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "Bench", dependencies: ["VistaCore"]),

    // MARK: - Test support and unit test bundles
    .target(name: "TestSupport", dependencies: ["VistaCore"], path: "Sources/TestSupport"),
    .testTarget(
      name: "VistaCoreTests", dependencies: ["VistaCore", "TestSupport"],
      resources: [.copy("Golden")]),
    .testTarget(name: "PlotTests", dependencies: ["Plot"]),
    .testTarget(name: "InterpreterTests", dependencies: ["Interpreter"], exclude: ["Fixtures"]),
    .testTarget(name: "ShellTests", dependencies: ["Shell"]),
  ]
)
