// Numbers given by a user (flags, environment variables), read strictly and checked against a
// range at once: a value outside what slipway can honour is bad input, never clamped, wrapped or
// read as "unset". The duration parser (util/duration.hpp) is built on the same reading.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slipway {

// The whole of `text` as a finite decimal number ("12", "0.5", "1e3", "-2"); nullopt for
// anything else: empty, NaN, inf, out of double's range, leading spaces, trailing garbage.
std::optional<double> read_finite_number(std::string_view text);

// An integer in [min, max]. InputError naming `what` (e.g. "--workers") with the allowed range
// otherwise: not an integer ("1.5", "1e3", "ten"), empty, out of range, overflowing int64.
int64_t parse_count(std::string_view text, std::string_view what, int64_t min, int64_t max);

// A finite number in [min, max]. InputError naming `what`, with the range, otherwise.
double parse_number(std::string_view text, std::string_view what, double min, double max);

// `text` as it appears in a message: at most 40 characters, so a huge argument stays readable.
std::string shown_value(std::string_view text);

}  // namespace slipway
