#ifndef CNIFTI_H
#define CNIFTI_H
// Umbrella header for Debian's libniftiio (NIfTI-1). nifti1_io.h does `#include <znzlib.h>`;
// the sibling forwarding header include/znzlib.h makes that resolve.
#include <nifti/nifti1_io.h>

/// Reads element (r, c) of a mat44 (Swift sees mat44.m as a tuple of tuples).
static inline float cnifti_mat44_get(const mat44 *m, int r, int c) { return m->m[r][c]; }
/// Writes element (r, c) of a mat44.
static inline void cnifti_mat44_set(mat44 *m, int r, int c, float v) { m->m[r][c] = v; }
/// 1 when libnifti was built with zlib (.nii.gz support).
int cnifti_zlib(void);
#endif
