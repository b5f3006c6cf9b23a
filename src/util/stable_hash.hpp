// A hash that is the same on every machine and every run (FNV-1a, 32 bits): for names and keys
// slipway derives from text and must find again later (shortened identifiers, default job ids,
// advisory lock keys). Not for security.
#pragma once
#include <cstdint>
#include <string_view>

namespace slipway {

constexpr uint32_t stable_hash(std::string_view text) {
  uint32_t h = 2166136261u;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

}  // namespace slipway
