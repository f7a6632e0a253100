/* banned.h: functions fnctl must not call (after git's banned.h).
 * Included last by every .c in the project through the build's -include. */
#ifndef FN_BANNED_H
#define FN_BANNED_H

#define FN_BANNED(func) sorry_##func##_is_banned_in_fnctl

#undef strcpy
#define strcpy(x, y) FN_BANNED(strcpy)
#undef strcat
#define strcat(x, y) FN_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) FN_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) FN_BANNED(strncat)
#undef sprintf
#define sprintf(...) FN_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) FN_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) FN_BANNED(strtok)
#undef gmtime
#define gmtime(t) FN_BANNED(gmtime)
#undef localtime
#define localtime(t) FN_BANNED(localtime)
#undef asctime
#define asctime(t) FN_BANNED(asctime)
#undef ctime
#define ctime(t) FN_BANNED(ctime)

#endif
