/* A minimal check macro for the C tests: counts, reports with de_last_error(), never aborts. */
#ifndef DE_TEST_CHECK_H
#define DE_TEST_CHECK_H

#include <stdio.h>

#include "dataengine.h"

static int failures = 0;
static int checks   = 0;

#define CHECK(cond)                                                                                 \
    do {                                                                                            \
        ++checks;                                                                                   \
        if (!(cond)) {                                                                              \
            ++failures;                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
                    de_last_error());                                                               \
        }                                                                                           \
    } while (0)

/* The closing line CI reads: "N passed, N failed". */
static int check_summary(void) {
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}

#endif
