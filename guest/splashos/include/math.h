/* guest/splashos/include/math.h: SPLASHOS's mathematics, double only.
 *
 * sqrt and fabs are the FPU's sqrt.d and abs.d. sin, cos, exp, log and pow
 * are SPLASHOS's own: range reduction to a small interval (by pi/2 with a
 * three-part constant, or with the bits of 2/pi for huge arguments; by ln 2;
 * by powers of two), then a polynomial; within a few ulps of the exact
 * result. pow carries log(x) in double-double (to about 2^-58) so that
 * y * log(x) stays exact enough: a few ulps, up to about twenty when the
 * result nears overflow or underflow. Special values follow C99 Annex F (NaN
 * in, NaN out; log(0) = -inf; overflow gives inf); errno is not set (there
 * is none). guest/splashos/tests/glibc_check.c compares them with glibc.
 */
#ifndef SPLASHOS_MATH_H
#define SPLASHOS_MATH_H

#define M_E 2.7182818284590452354
#define M_LN2 0.69314718055994530942
#define M_LN10 2.30258509299404568402
#define M_PI 3.14159265358979323846
#define M_PI_2 1.57079632679489661923
#define M_SQRT2 1.41421356237309504880

#define HUGE_VAL (__builtin_huge_val())
#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define signbit(x) __builtin_signbit(x)

double sqrt(double x);
double fabs(double x);
double sin(double x);
double cos(double x);
double exp(double x);
double log(double x);
double pow(double x, double y);
double floor(double x);
double ceil(double x);

#endif
