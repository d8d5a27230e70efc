import CDNNL
import COpenBLAS
import Foundation

/// The only door to OpenBLAS and oneDNN: row-major sgemm, threading and kernel selection.
public enum BLAS {
  /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, all row-major.
  ///
  /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before any transpose).
  /// `serial`: the caller is one of our workers owning a core; the GEMM runs on its thread only.
  /// Otherwise large products are split into a fixed number of parts (``threadedParts``), one per
  /// core, so a result never depends on what else the process is running.
  @inline(__always)
  public static func sgemm(
    serial: Bool = false, transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      // OpenBLAS leaves C untouched for k == 0; PyTorch semantics: C = beta·C.
      for i in 0..<m {
        for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
      }
      return
    }
    if !serial {
      let parts = threadedParts(m: m, n: n, k: k)
      if parts > 1 {
        // Split C's columns (or rows, when it has more rows than columns) into equal parts.
        let byColumns = n >= m
        let total = byColumns ? n : m
        parallelFor(parts) { t in
          let lo = total * t / parts
          let hi = total * (t + 1) / parts
          if byColumns {
            serialSGEMM(
              transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: a, lda: lda,
              b: b + (transB ? lo * ldb : lo), ldb: ldb, beta: beta, c: c + lo, ldc: ldc)
          } else {
            serialSGEMM(
              transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
              a: a + (transA ? lo : lo * lda), lda: lda, b: b, ldb: ldb, beta: beta, c: c + lo * ldc,
              ldc: ldc)
          }
        }
        return
      }
    }
    serialSGEMM(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
      beta: beta, c: c, ldc: ldc)
  }

  /// Cores a non-serial GEMM of this size is split over: all of them from 2¹⁸ multiply-adds with at
  /// least 32 rows or columns per part, else one. Depends on the shape and core count only.
  static func threadedParts(m: Int, n: Int, k: Int) -> Int {
    let workers = parallelWorkers
    guard workers > 1, m * n * k >= 1 << 18, max(m, n) >= 32 * workers else { return 1 }
    return workers
  }

  /// One GEMM on the calling thread.
  ///
  /// On one core oneDNN's JIT sgemm beats OpenBLAS's Haswell kernels on conv-shaped calls
  /// (M = 48…384 output channels, N ≈ 512 columns, K = 27·Cin) on Zen 4: a vista3d132 forward at
  /// 64³ takes 2.74 s instead of 3.10 s. Exception: weight-gradient products (Bᵀ) with fewer than 96
  /// output rows, where OpenBLAS is faster (dW of a 48-channel conv at 64³: 168 vs 134 GFLOP/s).
  /// The choice depends on the shape only. OpenBLAS runs single-threaded (``singleThreaded``).
  @inline(__always)
  static func serialSGEMM(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if useOneDNN && (!transB || m >= 96) {
      OpenMP.singleThreadOnThisThread()
      let status = dnnl_sgemm(
        transA ? 84 : 78, transB ? 84 : 78, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b,
        Int64(ldb), beta, c, Int64(ldc))  // 84 = "T", 78 = "N"
      if status == dnnl_success { return }
    }
    _ = singleThreaded
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// OpenBLAS set to one thread, once per process: every call comes from a thread that owns a core
  /// (we split large GEMMs ourselves), and a fixed thread count keeps results reproducible.
  static let singleThreaded: Bool = {
    openblas_set_num_threads(1)
    return true
  }()

  /// Whether one-thread GEMMs use oneDNN (`VISTA_GEMM=openblas` keeps OpenBLAS, for comparisons).
  public static let useOneDNN: Bool = ProcessInfo.processInfo.environment["VISTA_GEMM"] != "openblas"

  /// OpenBLAS's build description and the kernel set it chose (e.g. `… Haswell MAX_THREADS=64`).
  public static var configuration: String {
    guard let p = openblas_get_config() else { return "unknown" }
    return String(cString: p)
  }

  /// The kernel family OpenBLAS runs (`Haswell`, `Cooperlake`, …).
  public static var coreName: String {
    guard let p = openblas_get_corename() else { return "unknown" }
    return String(cString: p)
  }

  /// Cores one large non-serial ``sgemm`` call uses.
  public static var threads: Int { parallelWorkers }

  /// glibc malloc settings for tensor-sized buffers: no mmap'd chunks (mmap_max=0), never trim the
  /// heap, grow it 256 MB at a time, transparent huge pages. Memory freed by one op is reused by the
  /// next; the process keeps its peak heap until it exits.
  public static let mallocTunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1099511627776"
    + ":glibc.malloc.top_pad=268435456"

  /// Re-executes the process once with `OPENBLAS_CORETYPE=Haswell` when it is unset (x86-64 only).
  ///
  /// OpenBLAS picks its kernels while the library loads, so this must run first thing in `main`.
  /// Debian's DYNAMIC_ARCH build picks AVX-512 "Cooperlake" kernels on Zen 4, which run the skinny
  /// conv-shaped GEMMs ~1.7× slower than the AVX2 Haswell kernels. A user's explicit setting wins.
  ///
  /// It also sets `OPENBLAS_NUM_THREADS=1` when unset: OpenBLAS only ever runs on the calling thread
  /// (``singleThreaded``), so it need not start a thread pool.
  /// The same re-exec sets `GLIBC_TUNABLES` (when unset) to ``mallocTunables``: large tensor
  /// buffers come from the heap instead of fresh mmaps, and freed ones are reused rather than
  /// handed back, so an op's output no longer costs the kernel zeroing new pages (that was 14% of
  /// a vista3d132 forward; `vista-bench model` at 64³: 3.5 s → 3.0 s). Huge pages back the heap.
  public static func preferFastKernels() {
    guard getenv("VISTA_NO_REEXEC") == nil else { return }
    var changed = false
    #if arch(x86_64)
      if getenv("OPENBLAS_CORETYPE") == nil {
        setenv("OPENBLAS_CORETYPE", "Haswell", 1)
        changed = true
      }
    #endif
    if getenv("OPENBLAS_NUM_THREADS") == nil {
      setenv("OPENBLAS_NUM_THREADS", "1", 1)
      changed = true
    }
    if getenv("GLIBC_TUNABLES") == nil {
      setenv("GLIBC_TUNABLES", mallocTunables, 1)
      changed = true
    }
    guard changed else { return }
    setenv("VISTA_NO_REEXEC", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    // execv returns only on failure: keep running with the default kernels.
  }
}

/// oneDNN's OpenMP runtime (libgomp), reached by symbol lookup: each of our worker threads asks
/// it for a one-thread team, so two workers never start four GEMM threads on two cores.
enum OpenMP {
  private typealias SetThreads = @convention(c) (Int32) -> Void
  private static let setNumThreads: SetThreads? = {
    guard let sym = dlsym(nil, "omp_set_num_threads") else { return nil }  // RTLD_DEFAULT
    return unsafeBitCast(sym, to: SetThreads.self)
  }()

  /// Limits OpenMP regions started from the calling thread to one thread.
  @inline(__always)
  static func singleThreadOnThisThread() { setNumThreads?(1) }
}

