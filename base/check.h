// PLUMSIM_CHECK: assertions for programmer errors (not for bad input, which
// gets an absl::Status). Always on, in every build mode. Debian's Abseil
// (20220623) has no absl/log, so this is the project's one CHECK.
#ifndef PLUMSIM_BASE_CHECK_H_
#define PLUMSIM_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define PLUMSIM_CHECK(condition)                                                         \
  do {                                                                                   \
    if (__builtin_expect(!(condition), 0)) {                                             \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

#define PLUMSIM_CHECK_MSG(condition, message)                                               \
  do {                                                                                      \
    if (__builtin_expect(!(condition), 0)) {                                                \
      std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", __FILE__, __LINE__, #condition, \
                   message);                                                                \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)

#endif  // PLUMSIM_BASE_CHECK_H_
