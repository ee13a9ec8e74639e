#include "base/huge_pages.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace plumsim {

void UseHugePages(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  const char* wanted = std::getenv("PLUMSIM_HUGE_PAGES");
  if (wanted != nullptr && std::strcmp(wanted, "0") == 0) return;
  if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // exec failed: carry on as we are
}

}  // namespace plumsim
