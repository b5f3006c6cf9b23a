// The migration file reader: any bytes as a pgroll file (YAML or JSON; JSON is YAML) read,
// checked and parsed into operations, every field's user text through lint/user_text. An
// InputError (a clear refusal, with file and line) is fine; any other exception, a crash, a leak,
// undefined behaviour or memory beyond the reader's limits is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "migration/file/migration_file.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto doc = slipway::migration::read_migration_text(text, "fuzz/01_fuzz.yaml");
    // What start stores in the history and pull writes back must be serialisable.
    (void)doc.document_text.size();
  } catch (const slipway::InputError&) {
  }
  return 0;
}
