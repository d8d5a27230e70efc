#include <ft2build.h>
#include FT_FREETYPE_H

/// FT_LOAD_RENDER with light (vertical-only) hinting: FT_LOAD_TARGET_LIGHT is a function-like macro
/// that Swift cannot import.
static inline FT_Int32 vista_ft_load_flags(void) {
  return FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT;
}
