/* forwarding header: lets nifti1_io.h`s `#include <znzlib.h>` resolve */
#include <nifti/znzlib.h>
