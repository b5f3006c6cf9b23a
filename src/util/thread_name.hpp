// Names the calling thread as `top -H`, `ps -L` and perf show it (at most 15 characters), so an
// operator can tell slipway's batch, poll and vacuum threads apart in a busy process.
#pragma once

namespace slipway {

void name_this_thread(const char* name);

}  // namespace slipway
