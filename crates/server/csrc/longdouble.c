/* Long double arithmetic for INCRBYFLOAT/HINCRBYFLOAT.
 *
 * Redis computes these in C `long double` (80-bit extended precision on
 * x86-64) and prints with "%.17Lf"; Rust has no such type, so this file is
 * the whole of Hearth's C: parse two decimal strings, add, print. Written
 * for Hearth from the C standard library's documented behaviour.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEARTH_LD_MAX_CHARS (5 * 1024)

/* Parses exactly `len` bytes as a long double: no leading space, nothing
 * left over, no NaN, no overflow or underflow to zero/infinity. */
static int parse_ld(const char *s, size_t len, long double *out) {
    char buf[HEARTH_LD_MAX_CHARS];
    char *end;
    long double v;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    errno = 0;
    v = strtold(buf, &end);
    if (*end != '\0' || (size_t)(end - buf) != len) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)) return 0;
    if (errno == EINVAL || isnan(v)) return 0;
    *out = v;
    return 1;
}

/* Adds `incr` to `cur` (a missing value is passed as len 0 with
 * cur_missing = 1) and writes the result in human form into `out`.
 * Returns the length written, or -1: current value not a float,
 * -2: increment not a float, -3: result is NaN or infinite, -4: no room. */
long hearth_ld_incr(const char *cur, size_t cur_len, int cur_missing, const char *incr, size_t incr_len, char *out,
                    size_t out_len) {
    long double a = 0, b;
    int l;
    if (!cur_missing && !parse_ld(cur, cur_len, &a)) return -1;
    if (!parse_ld(incr, incr_len, &b)) return -2;
    a += b;
    if (isnan(a) || isinf(a)) return -3;
    l = snprintf(out, out_len, "%.17Lf", a);
    if (l < 0 || (size_t)l + 1 > out_len) return -4;
    if (strchr(out, '.') != NULL) {
        char *p = out + l - 1;
        while (*p == '0') {
            p--;
            l--;
        }
        if (*p == '.') l--;
    }
    if (l == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        l = 1;
    }
    return l;
}
