#include "util/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace slipway {

void name_this_thread(const char* name) {
  std::string n(name);
  n.resize(std::min<size_t>(n.size(), 15));  // the kernel's limit (16 bytes with the NUL)
  pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace slipway
