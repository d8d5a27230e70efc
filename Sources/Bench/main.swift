import Foundation
import VistaCore

BLAS.preferFastKernels()
print("vista-bench: OpenBLAS \(BLAS.coreName), \(BLAS.threads) threads")
