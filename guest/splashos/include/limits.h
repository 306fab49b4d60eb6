/* guest/splashos/include/limits.h: the C library's part of limits.h. gcc's
 * own limits.h (first on the include path) reaches this file through
 * #include_next and then defines every limit itself; SPLASHOS adds none.
 * Without this file gcc's limits.h fails under -nostdinc. */
#ifndef SPLASHOS_LIMITS_H
#define SPLASHOS_LIMITS_H
#endif
