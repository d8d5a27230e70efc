// oneDNN (Debian libdnnl-dev): its JIT sgemm runs our per-core conv GEMMs.
#include <oneapi/dnnl/dnnl.h>
