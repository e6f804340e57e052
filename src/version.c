/* The library's version at run time: the one it was built as (kobjns-version.h), which may
 * differ from the headers a program was compiled with. */
#include "kobjns.h"

uint32_t kobjns_version(void) { return KOBJNS_VERSION; }

const char *kobjns_version_string(void) { return KOBJNS_VERSION_STRING; }
