/* dataengine.h must compile alone as strict C99 (built with -std=c99 -pedantic -Werror). */
#include "dataengine.h"

int de_header_compiles_as_c99(void);
int de_header_compiles_as_c99(void) { return DE_ABI_VERSION + (int)sizeof(de_dataset_options) * 0; }
