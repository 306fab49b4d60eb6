/* guest/splashos/include/assert.h: assert(e) ends the application with one
 * line naming e, the file and the line (SOS_EXIT_ABORT) when e is false;
 * nothing under NDEBUG. Not guarded: NDEBUG may change between inclusions. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void sos__assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : sos__assert_fail(#e, __FILE__, __LINE__))
#endif
