#include "CNifti.h"
int cnifti_zlib(void) { return nifti_compiled_with_zlib(); }
